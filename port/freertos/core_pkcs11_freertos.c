/*
 * core-pkcs11: FreeRTOS port of the device hooks of core_pkcs11_port.h.
 *
 * SPDX-License-Identifier: MIT
 * Copyright (c) the core-pkcs11 authors.
 *
 * The library serialises every PKCS #11 call on one mutex that it makes with
 * pvCorePkcs11MutexCreate() at its first call and keeps for the life of the
 * program. The library holds weak single-caller defaults of these four hooks;
 * linking this file replaces them with FreeRTOS mutexes, so that several tasks
 * may call the token: a task that finds the token busy blocks (and lends its
 * priority to the holder) instead of spinning.
 *
 * Needs configUSE_MUTEXES 1 and either configSUPPORT_DYNAMIC_ALLOCATION 1 (the
 * mutex comes from the FreeRTOS heap) or configSUPPORT_STATIC_ALLOCATION 1
 * with CORE_PKCS11_FREERTOS_STATIC_MUTEX defined to 1 (the mutex lives in a
 * static buffer of this file).
 *
 * Every hook may be called before the scheduler starts (for instance when
 * main() provisions the token before vTaskStartScheduler()): a FreeRTOS mutex
 * can be created, taken and given then, as long as no other task exists.
 *
 * Entropy (mbedtls_hardware_poll) is not here: it belongs to the board port
 * (see port/qemu-mps2 for an example).
 */

#include <stddef.h>

#include "FreeRTOS.h"
#include "semphr.h"

#include "core_pkcs11_port.h"

#if ( configUSE_MUTEXES != 1 )
    #error "core-pkcs11's FreeRTOS port needs configUSE_MUTEXES 1 in FreeRTOSConfig.h"
#endif

#ifndef CORE_PKCS11_FREERTOS_STATIC_MUTEX
    #define CORE_PKCS11_FREERTOS_STATIC_MUTEX    0
#endif

#if ( CORE_PKCS11_FREERTOS_STATIC_MUTEX != 0 )
    #if ( configSUPPORT_STATIC_ALLOCATION != 1 )
        #error "CORE_PKCS11_FREERTOS_STATIC_MUTEX needs configSUPPORT_STATIC_ALLOCATION 1"
    #endif
    /* The library keeps one mutex for its whole life; a second creation only
     * happens for a mutex that lost a race between two first calls, and that
     * one is destroyed at once. Two buffers cover it. */
    static StaticSemaphore_t xMutexBuffers[ 2 ];
    static volatile UBaseType_t uxMutexBufferUsed[ 2 ];
#else
    #if ( configSUPPORT_DYNAMIC_ALLOCATION != 1 )
        #error "core-pkcs11's FreeRTOS port needs configSUPPORT_DYNAMIC_ALLOCATION 1 (or CORE_PKCS11_FREERTOS_STATIC_MUTEX 1)"
    #endif
#endif

void * pvCorePkcs11MutexCreate( void )
{
    SemaphoreHandle_t xMutex = NULL;

#if ( CORE_PKCS11_FREERTOS_STATIC_MUTEX != 0 )
    size_t i;

    taskENTER_CRITICAL();
    {
        for( i = 0; i < ( sizeof( xMutexBuffers ) / sizeof( xMutexBuffers[ 0 ] ) ); i++ )
        {
            if( uxMutexBufferUsed[ i ] == 0U )
            {
                uxMutexBufferUsed[ i ] = 1U;
                break;
            }
        }
    }
    taskEXIT_CRITICAL();

    if( i < ( sizeof( xMutexBuffers ) / sizeof( xMutexBuffers[ 0 ] ) ) )
    {
        xMutex = xSemaphoreCreateMutexStatic( &xMutexBuffers[ i ] );
    }
#else
    xMutex = xSemaphoreCreateMutex();
#endif

    return ( void * ) xMutex;
}

void vCorePkcs11MutexLock( void * pvMutex )
{
    if( pvMutex != NULL )
    {
        /* With portMAX_DELAY (and INCLUDE_vTaskSuspend 1) the take only returns
         * once the mutex is held; loop in case INCLUDE_vTaskSuspend is 0 and
         * portMAX_DELAY is merely a long timeout. */
        while( xSemaphoreTake( ( SemaphoreHandle_t ) pvMutex, portMAX_DELAY ) != pdTRUE )
        {
        }
    }
}

void vCorePkcs11MutexUnlock( void * pvMutex )
{
    if( pvMutex != NULL )
    {
        ( void ) xSemaphoreGive( ( SemaphoreHandle_t ) pvMutex );
    }
}

void vCorePkcs11MutexDestroy( void * pvMutex )
{
    if( pvMutex != NULL )
    {
#if ( CORE_PKCS11_FREERTOS_STATIC_MUTEX != 0 )
        size_t i;

        vSemaphoreDelete( ( SemaphoreHandle_t ) pvMutex );

        taskENTER_CRITICAL();
        {
            for( i = 0; i < ( sizeof( xMutexBuffers ) / sizeof( xMutexBuffers[ 0 ] ) ); i++ )
            {
                if( ( void * ) &xMutexBuffers[ i ] == pvMutex )
                {
                    uxMutexBufferUsed[ i ] = 0U;
                }
            }
        }
        taskEXIT_CRITICAL();
#else
        vSemaphoreDelete( ( SemaphoreHandle_t ) pvMutex );
#endif
    }
}
