/*
 * core-pkcs11: platform hooks for devices (targets without an operating system's
 * standard library, such as FreeRTOS on Cortex-M).
 *
 * SPDX-License-Identifier: MIT
 * Copyright (c) the core-pkcs11 authors.
 */

#ifndef CORE_PKCS11_PORT_H_
#define CORE_PKCS11_PORT_H_

#include <stddef.h>

/* *INDENT-OFF* */
#ifdef __cplusplus
    extern "C" {
#endif
/* *INDENT-ON* */

/**
 * @file core_pkcs11_port.h
 * @brief What a device port supplies to core-pkcs11.
 *
 * Locking: the library serialises every PKCS #11 call on one mutex made with
 * pvCorePkcs11MutexCreate() (when the application initialises with
 * CKF_OS_LOCKING_OK or without mutex callbacks). The library holds weak
 * definitions for bare-metal use without an RTOS (a single caller: creation
 * returns a static placeholder, lock and unlock do nothing); an RTOS port
 * (port/freertos) overrides all four. Under the port's mutex the library also
 * holds an atomic flag, so that even a faulty port cannot let two calls touch
 * the token at once. The mutex is made at the first call and kept for the life
 * of the program; vCorePkcs11MutexDestroy() is called only for a mutex that
 * lost a race between two first calls.
 *
 * Entropy: mbedtls_hardware_poll(), the function existing FreeRTOS ports
 * already provide for mbedTLS (MBEDTLS_ENTROPY_HARDWARE_ALT), seeds the
 * token's DRBG. It has no default: a device without it does not link.
 *
 * Heap: the library allocates with pkcs11configPKCS11_MALLOC and frees with
 * pkcs11configPKCS11_FREE from the application's core_pkcs11_config.h
 * (pvPortMalloc and vPortFree on FreeRTOS).
 */

/** @brief Creates the library's mutex; NULL on failure. */
void * pvCorePkcs11MutexCreate( void );

/** @brief Blocks until the mutex is held. */
void vCorePkcs11MutexLock( void * pvMutex );

/** @brief Releases the mutex. */
void vCorePkcs11MutexUnlock( void * pvMutex );

/** @brief Deletes a mutex the library made but does not need. */
void vCorePkcs11MutexDestroy( void * pvMutex );

/**
 * @brief Fills @p output with up to @p len bytes of entropy from the platform.
 * @return 0 on success, with *olen set to the number of bytes written.
 */
int mbedtls_hardware_poll( void * data,
                           unsigned char * output,
                           size_t len,
                           size_t * olen );

/* *INDENT-OFF* */
#ifdef __cplusplus
    }
#endif
/* *INDENT-ON* */

#endif /* CORE_PKCS11_PORT_H_ */
