/*
 * core-pkcs11 FreeRTOS demo: the application's core_pkcs11_config.h.
 *
 * SPDX-License-Identifier: MIT
 * Copyright (c) the core-pkcs11 authors.
 *
 * The demo's CMake project passes this directory as CORE_PKCS11_CONFIG_DIR:
 * cargo compiles the library's configuration shim against this header, so it
 * must stand alone (no FreeRTOS headers: the prototypes it needs are declared
 * here, identical to FreeRTOS's own).
 */

#ifndef CORE_PKCS11_CONFIG_H_
#define CORE_PKCS11_CONFIG_H_

#include <stddef.h>

/* The token's heap is the FreeRTOS heap (heap_4). */
void * pvPortMalloc( size_t xWantedSize );
void vPortFree( void * pv );

#define pkcs11configPKCS11_MALLOC              pvPortMalloc
#define pkcs11configPKCS11_FREE                vPortFree

/* Larger than the defaults (6 objects, 10 sessions): the functional test and
 * the provisioning demo keep several keys and certificates at once. */
#define pkcs11configMAX_NUM_OBJECTS            16
#define pkcs11configMAX_SESSIONS               8

#define pkcs11configPKCS11_DEFAULT_USER_PIN    "0000"

/* Errors and warnings go to the UART console. The hooks are called as
 * LogError( ( "format", args ) ). vDemoLog() is in
 * freertos-demo/common/demo_main.c. */
void vDemoLog( int iLevel,
               const char * pcFormat,
               ... ) __attribute__( ( format( printf, 2, 3 ) ) );

#define CORE_PKCS11_DEMO_LOG_ARGS( ... )    __VA_ARGS__

#define LogError( message )    vDemoLog( 1, CORE_PKCS11_DEMO_LOG_ARGS message )
#define LogWarn( message )     vDemoLog( 2, CORE_PKCS11_DEMO_LOG_ARGS message )

#endif /* CORE_PKCS11_CONFIG_H_ */
