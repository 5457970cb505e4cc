/*
 * core-pkcs11 QEMU mps2 port: CMSDK APB UART0 console, and the newlib system
 * calls that retarget printf (stdout and stderr) to it.
 *
 * SPDX-License-Identifier: MIT
 * Copyright (c) the core-pkcs11 authors.
 *
 * QEMU's mps2-an385 connects UART0 to its first serial port (-serial stdio,
 * or -nographic).
 */

#include <errno.h>
#include <stdint.h>
#include <sys/stat.h>

#include "mps2_uart.h"
#include "semihosting.h"

#define UART0_BASE         0x40004000UL
#define UART_DATA          ( *( volatile uint32_t * ) ( UART0_BASE + 0x00U ) )
#define UART_STATE         ( *( volatile uint32_t * ) ( UART0_BASE + 0x04U ) )
#define UART_CTRL          ( *( volatile uint32_t * ) ( UART0_BASE + 0x08U ) )
#define UART_BAUDDIV       ( *( volatile uint32_t * ) ( UART0_BASE + 0x10U ) )

#define UART_STATE_TX_FULL    ( 1UL << 0 )
#define UART_CTRL_TX_EN       ( 1UL << 0 )

void vMps2UartInit( void )
{
    /* 25 MHz / 16 would be the fastest real baud rate; QEMU ignores it but
     * wants a divider of at least 16 to be set. */
    UART_BAUDDIV = 16U;
    UART_CTRL = UART_CTRL_TX_EN;
}

void vMps2UartPutChar( char cByte )
{
    while( ( UART_STATE & UART_STATE_TX_FULL ) != 0U )
    {
    }

    UART_DATA = ( uint32_t ) ( uint8_t ) cByte;
}

void vMps2UartWrite( const char * pcData,
                     size_t xLength )
{
    size_t i;

    for( i = 0; i < xLength; i++ )
    {
        vMps2UartPutChar( pcData[ i ] );
    }
}

/*------------------------- newlib system calls -----------------------------*/

/* The heap newlib's own malloc uses (stdio buffers); the application's heap is
 * FreeRTOS's. Bounded by the linker script's __newlib_heap_start__ and
 * __newlib_heap_end__. */
extern char __newlib_heap_start__[];
extern char __newlib_heap_end__[];

int _write( int iFile,
            const char * pcData,
            int iLength );
int _read( int iFile,
           char * pcData,
           int iLength );
int _close( int iFile );
int _lseek( int iFile,
            int iOffset,
            int iWhence );
int _fstat( int iFile,
            struct stat * pxStat );
int _isatty( int iFile );
void * _sbrk( ptrdiff_t xIncrement );
void _exit( int iStatus );
int _kill( int iPid,
           int iSignal );
int _getpid( void );

int _write( int iFile,
            const char * pcData,
            int iLength )
{
    if( ( iFile != 1 ) && ( iFile != 2 ) )
    {
        errno = EBADF;
        return -1;
    }

    if( iLength > 0 )
    {
        vMps2UartWrite( pcData, ( size_t ) iLength );
    }

    return iLength;
}

int _read( int iFile,
           char * pcData,
           int iLength )
{
    ( void ) iFile;
    ( void ) pcData;
    ( void ) iLength;
    return 0;
}

int _close( int iFile )
{
    ( void ) iFile;
    errno = EBADF;
    return -1;
}

int _lseek( int iFile,
            int iOffset,
            int iWhence )
{
    ( void ) iFile;
    ( void ) iOffset;
    ( void ) iWhence;
    return 0;
}

int _fstat( int iFile,
            struct stat * pxStat )
{
    ( void ) iFile;
    pxStat->st_mode = S_IFCHR;
    return 0;
}

int _isatty( int iFile )
{
    return ( ( iFile >= 0 ) && ( iFile <= 2 ) ) ? 1 : 0;
}

void * _sbrk( ptrdiff_t xIncrement )
{
    static char * pcBreak = __newlib_heap_start__;
    char * pcPrevious = pcBreak;

    if( ( xIncrement > 0 ) && ( ( __newlib_heap_end__ - pcBreak ) < xIncrement ) )
    {
        errno = ENOMEM;
        return ( void * ) -1;
    }

    pcBreak += xIncrement;
    return pcPrevious;
}

void _exit( int iStatus )
{
    vSemihostingExit( iStatus );
}

int _kill( int iPid,
           int iSignal )
{
    ( void ) iPid;
    ( void ) iSignal;
    errno = EINVAL;
    return -1;
}

int _getpid( void )
{
    return 1;
}
