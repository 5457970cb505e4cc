/*
 * core-pkcs11 FreeRTOS demo, image tls_client: TLS client authentication with
 * the device key inside the token, to an MQTT broker on the host.
 *
 * SPDX-License-Identifier: MIT
 * Copyright (c) the core-pkcs11 authors.
 *
 * The C half is only this: it attaches the token's block device (the image
 * file named by the second semihosting argument) and hands the remaining
 * arguments to the Rust TLS helper (freertos-demo/tls, linked as this image's
 * single Rust static library together with the token). Commands:
 *
 *   <image> connect <server name> <client id> <topic> <message...>
 *   <image> keygen <csr file> <common name>
 *   <image> import <key.der|-> <cert.der> <root.der>
 *
 * QEMU: -nic user,model=lan9118,restrict=on,guestfwd=tcp:10.0.2.100:8883-tcp:127.0.0.1:<port>
 * Exit codes: see freertos-demo/tls/src/app.rs (0 success, 10-17 failures).
 */

#include <stdio.h>
#include <string.h>

#include "FreeRTOS.h"
#include "task.h"

#include "core_pkcs11.h"

#include "demo.h"
#include "mps2_block_device.h"
#include "semihosting.h"

const char * const pcDemoName = "tls_client (TLS client authentication with the key in core-pkcs11, MQTT over LAN9118)";

#define TLS_DEMO_MAX_ARGS    24

/* The TLS handshake (embedded-tls keeps its handshake state and messages on
 * the stack) needs more than the demo task's 32 KiB: the work runs in a task
 * of its own with this stack, in 4-byte words. */
#ifndef TLS_DEMO_STACK_WORDS
    #define TLS_DEMO_STACK_WORDS    ( 16U * 1024U )
#endif

static StackType_t uxTlsStack[ TLS_DEMO_STACK_WORDS ];
static StaticTask_t xTlsTaskBuffer;
static TaskHandle_t xCaller;
static int32_t lTlsArgc;
static const char * const * ppcTlsArgv;
static volatile int32_t lTlsResult;

/* freertos-demo/tls/src/lib.rs */
extern int32_t lTlsDemoMain( int32_t lArgc,
                             const char * const * ppcArgv );

static void prvTlsTask( void * pvParameters )
{
    ( void ) pvParameters;

    lTlsResult = lTlsDemoMain( lTlsArgc, ppcTlsArgv );
    printf( "resources: TLS task stack peak %u of %u bytes\n",
            ( unsigned ) ( sizeof( uxTlsStack ) - ( uxTaskGetStackHighWaterMark( NULL ) * sizeof( StackType_t ) ) ),
            ( unsigned ) sizeof( uxTlsStack ) );
    xTaskNotifyGive( xCaller );
    vTaskSuspend( NULL );
}

int lDemoRun( void )
{
    static char acCommandLine[ 768 ];
    static const char * apcArgs[ TLS_DEMO_MAX_ARGS ];
    static Mps2BlockDevice_t xContext;
    static CorePkcs11BlockDevice_t xDevice;
    int32_t lArgc = 0;
    int32_t lCreated = 0;
    char * pcCursor;
    CK_RV xRv;

    if( lSemihostingGetCommandLine( acCommandLine, sizeof( acCommandLine ) ) != 0 )
    {
        printf( "tls_client: FAILED: no semihosting command line\n" );
        return 10;
    }

    /* Split on spaces: <firmware> <token image> <command> <args...> */
    pcCursor = acCommandLine;

    while( ( *pcCursor != '\0' ) && ( lArgc < TLS_DEMO_MAX_ARGS ) )
    {
        while( *pcCursor == ' ' )
        {
            *pcCursor++ = '\0';
        }

        if( *pcCursor == '\0' )
        {
            break;
        }

        apcArgs[ lArgc++ ] = pcCursor;

        while( ( *pcCursor != ' ' ) && ( *pcCursor != '\0' ) )
        {
            pcCursor++;
        }
    }

    if( lArgc < 3 )
    {
        printf( "tls_client: FAILED: usage: <firmware> <token image> <command> [args]\n" );
        return 10;
    }

    if( lMps2BlockDeviceOpen( &xContext, &xDevice, apcArgs[ 1 ], &lCreated ) != 0 )
    {
        printf( "tls_client: FAILED: cannot open the token image %s\n", apcArgs[ 1 ] );
        return 11;
    }

    xRv = xCorePkcs11SetBlockDevice( &xDevice );

    if( xRv != CKR_OK )
    {
        printf( "tls_client: FAILED: xCorePkcs11SetBlockDevice returned 0x%lx\n", ( unsigned long ) xRv );
        return 11;
    }

    printf( "storage: block device on %s%s\n", apcArgs[ 1 ], ( lCreated != 0 ) ? " (new, empty)" : "" );

    lTlsArgc = lArgc - 2;
    ppcTlsArgv = &apcArgs[ 2 ];
    xCaller = xTaskGetCurrentTaskHandle();

    if( xTaskCreateStatic( prvTlsTask, "tls", TLS_DEMO_STACK_WORDS, NULL, tskIDLE_PRIORITY + 1U,
                           uxTlsStack, &xTlsTaskBuffer ) == NULL )
    {
        printf( "tls_client: FAILED: cannot create the TLS task\n" );
        return 4;
    }

    ( void ) ulTaskNotifyTake( pdTRUE, portMAX_DELAY );
    vDemoPrintResources();
    return ( int ) lTlsResult;
}
