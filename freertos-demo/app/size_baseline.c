/*
 * core-pkcs11 FreeRTOS demo, image size_baseline: the startup code, board
 * support, kernel and printf of the other images, without core-pkcs11. Only
 * built, for freertos-demo/size-report.sh (never run by the scripts, though
 * it runs: it prints one line and exits 0).
 *
 * SPDX-License-Identifier: MIT
 * Copyright (c) the core-pkcs11 authors.
 */

#include <stdio.h>

#include "FreeRTOS.h"
#include "task.h"

#include "mps2_uart.h"
#include "semihosting.h"

static StackType_t uxStack[ 1024 ];
static StaticTask_t xTaskBuffer;

static void prvTask( void * pvParameters )
{
    ( void ) pvParameters;
    printf( "size_baseline: heap %u free\n", ( unsigned ) xPortGetFreeHeapSize() );
    vSemihostingExit( 0 );
}

int main( void )
{
    vMps2UartInit();
    ( void ) xTaskCreateStatic( prvTask, "base", 1024, NULL, tskIDLE_PRIORITY + 1U, uxStack, &xTaskBuffer );
    vTaskStartScheduler();
    return 1;
}

void vApplicationMallocFailedHook( void );
void vApplicationStackOverflowHook( TaskHandle_t xTask,
                                    char * pcTaskName );
void vApplicationGetIdleTaskMemory( StaticTask_t ** ppxIdleTaskTCBBuffer,
                                    StackType_t ** ppxIdleTaskStackBuffer,
                                    configSTACK_DEPTH_TYPE * puxIdleTaskStackSize );
void vDemoAssertFailed( const char * pcFile,
                        int iLine );

void vApplicationMallocFailedHook( void )
{
    vSemihostingExit( 2 );
}

void vApplicationStackOverflowHook( TaskHandle_t xTask,
                                    char * pcTaskName )
{
    ( void ) xTask;
    ( void ) pcTaskName;
    vSemihostingExit( 5 );
}

void vDemoAssertFailed( const char * pcFile,
                        int iLine )
{
    ( void ) pcFile;
    ( void ) iLine;
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
