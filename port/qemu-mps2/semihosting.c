/*
 * core-pkcs11 QEMU mps2 port: Arm semihosting calls.
 *
 * SPDX-License-Identifier: MIT
 * Copyright (c) the core-pkcs11 authors.
 */

#include <string.h>

#include "semihosting.h"

#define SYS_OPEN             0x01U
#define SYS_CLOSE            0x02U
#define SYS_WRITE0           0x04U
#define SYS_WRITE            0x05U
#define SYS_READ             0x06U
#define SYS_SEEK             0x0AU
#define SYS_FLEN             0x0CU
#define SYS_ERRNO            0x13U
#define SYS_GET_CMDLINE      0x15U
#define SYS_EXIT             0x18U
#define SYS_EXIT_EXTENDED    0x20U

#define ADP_Stopped_ApplicationExit    0x20026U

/* One semihosting request: r0 = operation, r1 = argument (usually the address
 * of a parameter block); the result comes back in r0. The debugger (here
 * QEMU) reads the parameter block, so it must be in memory before the bkpt. */
static inline int32_t prvCall( uint32_t ulOperation,
                               const volatile void * pvArgument )
{
    register uint32_t r0 __asm__( "r0" ) = ulOperation;
    register const volatile void * r1 __asm__( "r1" ) = pvArgument;

    __asm__ volatile ( "bkpt 0xAB" : "+r" ( r0 ) : "r" ( r1 ) : "memory" );

    return ( int32_t ) r0;
}

int32_t lSemihostingOpen( const char * pcPath,
                          uint32_t ulMode )
{
    volatile uint32_t aulBlock[ 3 ];

    aulBlock[ 0 ] = ( uint32_t ) pcPath;
    aulBlock[ 1 ] = ulMode;
    aulBlock[ 2 ] = ( uint32_t ) strlen( pcPath );

    return prvCall( SYS_OPEN, aulBlock );
}

int32_t lSemihostingClose( int32_t lHandle )
{
    volatile uint32_t aulBlock[ 1 ];

    aulBlock[ 0 ] = ( uint32_t ) lHandle;

    return prvCall( SYS_CLOSE, aulBlock );
}

int32_t lSemihostingRead( int32_t lHandle,
                          void * pvBuffer,
                          uint32_t ulLength )
{
    volatile uint32_t aulBlock[ 3 ];
    int32_t lNotRead;

    aulBlock[ 0 ] = ( uint32_t ) lHandle;
    aulBlock[ 1 ] = ( uint32_t ) pvBuffer;
    aulBlock[ 2 ] = ulLength;

    /* SYS_READ returns the number of bytes NOT read (ulLength at end of
     * file); a negative value or one above ulLength is an error. */
    lNotRead = prvCall( SYS_READ, aulBlock );

    if( ( lNotRead < 0 ) || ( ( uint32_t ) lNotRead > ulLength ) )
    {
        return -1;
    }

    return ( int32_t ) ( ulLength - ( uint32_t ) lNotRead );
}

int32_t lSemihostingWrite( int32_t lHandle,
                           const void * pvBuffer,
                           uint32_t ulLength )
{
    volatile uint32_t aulBlock[ 3 ];
    int32_t lNotWritten;

    aulBlock[ 0 ] = ( uint32_t ) lHandle;
    aulBlock[ 1 ] = ( uint32_t ) pvBuffer;
    aulBlock[ 2 ] = ulLength;

    /* SYS_WRITE returns the number of bytes NOT written. */
    lNotWritten = prvCall( SYS_WRITE, aulBlock );

    if( ( lNotWritten < 0 ) || ( ( uint32_t ) lNotWritten > ulLength ) )
    {
        return -1;
    }

    return ( int32_t ) ( ulLength - ( uint32_t ) lNotWritten );
}

int32_t lSemihostingSeek( int32_t lHandle,
                          uint32_t ulPosition )
{
    volatile uint32_t aulBlock[ 2 ];

    aulBlock[ 0 ] = ( uint32_t ) lHandle;
    aulBlock[ 1 ] = ulPosition;

    return prvCall( SYS_SEEK, aulBlock );
}

int32_t lSemihostingFileLength( int32_t lHandle )
{
    volatile uint32_t aulBlock[ 1 ];

    aulBlock[ 0 ] = ( uint32_t ) lHandle;

    return prvCall( SYS_FLEN, aulBlock );
}

int32_t lSemihostingErrno( void )
{
    return prvCall( SYS_ERRNO, NULL );
}

int32_t lSemihostingGetCommandLine( char * pcBuffer,
                                    uint32_t ulSize )
{
    volatile uint32_t aulBlock[ 2 ];
    int32_t lResult;

    if( ( pcBuffer == NULL ) || ( ulSize == 0U ) )
    {
        return -1;
    }

    aulBlock[ 0 ] = ( uint32_t ) pcBuffer;
    aulBlock[ 1 ] = ulSize;
    lResult = prvCall( SYS_GET_CMDLINE, aulBlock );

    if( lResult != 0 )
    {
        pcBuffer[ 0 ] = '\0';
    }
    else
    {
        pcBuffer[ ulSize - 1U ] = '\0';
    }

    return lResult;
}

void vSemihostingExit( int32_t lCode )
{
    volatile uint32_t aulBlock[ 2 ];

    aulBlock[ 0 ] = ADP_Stopped_ApplicationExit;
    aulBlock[ 1 ] = ( uint32_t ) lCode;

    ( void ) prvCall( SYS_EXIT_EXTENDED, aulBlock );

    /* A host without SYS_EXIT_EXTENDED: plain SYS_EXIT (success or failure). */
    ( void ) prvCall( SYS_EXIT, ( const volatile void * ) ( ( lCode == 0 ) ? ADP_Stopped_ApplicationExit : 0x20023U ) );

    for( ; ; )
    {
        __asm__ volatile ( "wfi" );
    }
}

void vSemihostingWrite0( const char * pcText )
{
    ( void ) prvCall( SYS_WRITE0, pcText );
}
