/*
 * core-pkcs11 FreeRTOS demo: main(), the demo task, FreeRTOS hooks and the
 * console log hook shared by the firmware images.
 *
 * SPDX-License-Identifier: MIT
 * Copyright (c) the core-pkcs11 authors.
 *
 * Exit codes (semihosting SYS_EXIT_EXTENDED): the image's own result, or
 *   2  heap exhausted (pvPortMalloc failed)
 *   3  the library stopped on a fatal internal error (Rust panic)
 *   4  configASSERT failed
 *   5  task stack overflow
 *   6  processor fault (startup/startup_mps2_an385.c)
 */

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "FreeRTOS.h"
#include "task.h"

#include "core_pkcs11_config.h"
#include "core_pkcs11.h"

#include "demo.h"
#include "mps2_block_device.h"
#include "mps2_entropy.h"
#include "mps2_uart.h"
#include "semihosting.h"

#ifndef DEMO_TASK_STACK_WORDS
    #define DEMO_TASK_STACK_WORDS    8192U
#endif

#ifndef DEMO_DEFAULT_IMAGE
    #define DEMO_DEFAULT_IMAGE       "core_pkcs11_token.img"
#endif

#ifndef CORE_PKCS11_DEMO_PERSISTENCE
    #define CORE_PKCS11_DEMO_PERSISTENCE    0
#endif

#define DEMO_STACK_FILL_WORD    0xA5A5A5A5UL

static StackType_t uxDemoStack[ DEMO_TASK_STACK_WORDS ];
static StaticTask_t xDemoTaskBuffer;
static TaskHandle_t xDemoTask;

static char acCommandLine[ 256 ];
static const char * pcImagePath = DEMO_DEFAULT_IMAGE;

/*------------------------------ Logging ------------------------------------*/

void vDemoLog( int iLevel,
               const char * pcFormat,
               ... )
{
    char acMessage[ 200 ];
    va_list xArgs;

    va_start( xArgs, pcFormat );
    ( void ) vsnprintf( acMessage, sizeof( acMessage ), pcFormat, xArgs );
    va_end( xArgs );

    printf( "[core-pkcs11 %s] %s\n", ( iLevel == 1 ) ? "ERROR" : "WARN", acMessage );

    /* The library's panic handler logs this, then stops forever: end the
     * emulation instead so that a run fails at once rather than at its
     * timeout. */
    if( strstr( acMessage, "fatal internal error" ) != NULL )
    {
        printf( "FATAL: core-pkcs11 stopped\n" );
        vSemihostingExit( 3 );
    }
}

/*------------------------------ Helpers ------------------------------------*/

const char * pcDemoImagePath( void )
{
    return pcImagePath;
}

int32_t lDemoAttachStorage( int32_t * pxCreated )
{
#if ( CORE_PKCS11_DEMO_PERSISTENCE != 0 )
    static Mps2BlockDevice_t xContext;
    static CorePkcs11BlockDevice_t xDevice;
    int32_t lResult;
    CK_RV xRv;

    lResult = lMps2BlockDeviceOpen( &xContext, &xDevice, pcImagePath, pxCreated );

    if( lResult != 0 )
    {
        printf( "storage: cannot open image %s (%ld)\n", pcImagePath, ( long ) lResult );
        return lResult;
    }

    xRv = xCorePkcs11SetBlockDevice( &xDevice );

    if( xRv != CKR_OK )
    {
        printf( "storage: xCorePkcs11SetBlockDevice returned 0x%lx\n", ( unsigned long ) xRv );
        return -1;
    }

    printf( "storage: block device on %s (%lu x %lu bytes)\n", pcImagePath,
            ( unsigned long ) xDevice.ulBlockCount, ( unsigned long ) xDevice.ulBlockSize );
    return 1;
#else
    if( pxCreated != NULL )
    {
        *pxCreated = 0;
    }

    printf( "storage: none (built without CORE_PKCS11_DEMO_PERSISTENCE: token objects live in RAM)\n" );
    return 0;
#endif
}

void vDemoPrintHex( const char * pcLabel,
                    const uint8_t * pucData,
                    size_t xLength )
{
    size_t i;

    printf( "%s (%u bytes):", pcLabel, ( unsigned ) xLength );

    for( i = 0; i < xLength; i++ )
    {
        if( ( i % 32U ) == 0U )
        {
            printf( "\n  " );
        }

        printf( "%02x", pucData[ i ] );
    }

    printf( "\n" );
}

size_t xDemoStackSizeBytes( void )
{
    return sizeof( uxDemoStack );
}

void __attribute__( ( noinline ) ) vDemoStackMark( void )
{
    volatile uint32_t * pulWord = ( volatile uint32_t * ) uxDemoStack;
    uint32_t ulSp;

    __asm__ volatile ( "mov %0, sp" : "=r" ( ulSp ) );

    /* Everything below this function's frame (less a margin) is unused. */
    while( ( uint32_t ) pulWord < ( ulSp - 64U ) )
    {
        *pulWord++ = DEMO_STACK_FILL_WORD;
    }
}

size_t xDemoStackPeakBytes( void )
{
    return sizeof( uxDemoStack ) - ( ( size_t ) uxTaskGetStackHighWaterMark( NULL ) * sizeof( StackType_t ) );
}

/*------------------------------ The task -----------------------------------*/

void vDemoPrintResources( void )
{
    printf( "resources: task stack peak %u of %u bytes; heap %u bytes: minimum ever free %u (peak use %u), %u free now\n",
            ( unsigned ) xDemoStackPeakBytes(), ( unsigned ) sizeof( uxDemoStack ),
            ( unsigned ) configTOTAL_HEAP_SIZE, ( unsigned ) xPortGetMinimumEverFreeHeapSize(),
            ( unsigned ) ( configTOTAL_HEAP_SIZE - xPortGetMinimumEverFreeHeapSize() ),
            ( unsigned ) xPortGetFreeHeapSize() );
}

static void prvDemoTask( void * pvParameters )
{
    ( void ) pvParameters;

    /* The image prints its own last line; the result is the exit code. */
    vSemihostingExit( lDemoRun() );
}

int main( void )
{
    char * pcArg;

    vMps2UartInit();
    printf( "\ncore-pkcs11 FreeRTOS demo on QEMU mps2-an385 (Cortex-M3): %s\n", pcDemoName );

    /* "<firmware> <image path>" from -semihosting-config ...,arg=...,arg=... */
    if( lSemihostingGetCommandLine( acCommandLine, sizeof( acCommandLine ) ) == 0 )
    {
        pcArg = strchr( acCommandLine, ' ' );

        if( pcArg != NULL )
        {
            while( *pcArg == ' ' )
            {
                pcArg++;
            }

            if( *pcArg != '\0' )
            {
                pcImagePath = pcArg;
            }
        }
    }

    if( lMps2EntropyInit() != 0 )
    {
        printf( "entropy: cannot open the host's /dev/urandom through semihosting: the token cannot seed its DRBG\n" );
    }

    xDemoTask = xTaskCreateStatic( prvDemoTask, "demo", DEMO_TASK_STACK_WORDS, NULL,
                                   tskIDLE_PRIORITY + 1U, uxDemoStack, &xDemoTaskBuffer );
    configASSERT( xDemoTask != NULL );

    vTaskStartScheduler();

    /* Only reached if the idle task could not be created. */
    printf( "FATAL: scheduler did not start\n" );
    return 4;
}

/*------------------------------ FreeRTOS hooks -----------------------------*/

void vApplicationMallocFailedHook( void );
void vApplicationStackOverflowHook( TaskHandle_t xTask,
                                    char * pcTaskName );
void vApplicationGetIdleTaskMemory( StaticTask_t ** ppxIdleTaskTCBBuffer,
                                    StackType_t ** ppxIdleTaskStackBuffer,
                                    configSTACK_DEPTH_TYPE * puxIdleTaskStackSize );

void vApplicationMallocFailedHook( void )
{
    printf( "\nFATAL: pvPortMalloc failed: heap exhausted (configTOTAL_HEAP_SIZE %u, %u free)\n",
            ( unsigned ) configTOTAL_HEAP_SIZE, ( unsigned ) xPortGetFreeHeapSize() );
    vSemihostingExit( 2 );
}

void vApplicationStackOverflowHook( TaskHandle_t xTask,
                                    char * pcTaskName )
{
    ( void ) xTask;
    printf( "\nFATAL: stack overflow in task %s\n", pcTaskName );
    vSemihostingExit( 5 );
}

void vDemoAssertFailed( const char * pcFile,
                        int iLine )
{
    printf( "\nFATAL: configASSERT failed at %s:%d\n", pcFile, iLine );
    vSemihostingExit( 4 );
}

void vApplicationGetIdleTaskMemory( StaticTask_t ** ppxIdleTaskTCBBuffer,
                                    StackType_t ** ppxIdleTaskStackBuffer,
                                    configSTACK_DEPTH_TYPE * puxIdleTaskStackSize )
{
    static StaticTask_t xIdleTaskTCB;
    static StackType_t uxIdleTaskStack[ configMINIMAL_STACK_SIZE ];

    *ppxIdleTaskTCBBuffer = &xIdleTaskTCB;
    *ppxIdleTaskStackBuffer = uxIdleTaskStack;
    *puxIdleTaskStackSize = configMINIMAL_STACK_SIZE;
}
