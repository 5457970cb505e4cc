/*
 * core-pkcs11: application configuration used by the C drop-in test.
 *
 * SPDX-License-Identifier: MIT
 * Copyright (c) the core-pkcs11 authors.
 *
 * Plays the part of an application's core_pkcs11_config.h: the test's CMake
 * project passes this directory as CORE_PKCS11_CONFIG_DIR, so the library is
 * built with these values and everything else takes the defaults of
 * core_pkcs11_config_defaults.h.
 */

#ifndef CORE_PKCS11_CONFIG_H_
#define CORE_PKCS11_CONFIG_H_

/* Larger than the defaults (6 objects, 10 sessions). */
#define pkcs11configMAX_NUM_OBJECTS            16
#define pkcs11configMAX_SESSIONS               8

/* The default PIN, spelled out as an application would. */
#define pkcs11configPKCS11_DEFAULT_USER_PIN    "0000"

/* Errors and warnings go to stderr, the way a POSIX port would log them.
 * The hooks are called as LogError( ( "format", args ) ). */
#include <stdio.h>

#define CORE_PKCS11_TEST_LOG_ARGS( ... )    __VA_ARGS__

#define LogError( message )                                                    \
    do {                                                                       \
        ( void ) fprintf( stderr, "[core-pkcs11 ERROR] " );                    \
        ( void ) fprintf( stderr, CORE_PKCS11_TEST_LOG_ARGS message );         \
        ( void ) fprintf( stderr, "\n" );                                      \
    } while( 0 )

#define LogWarn( message )                                                     \
    do {                                                                       \
        ( void ) fprintf( stderr, "[core-pkcs11 WARN] " );                     \
        ( void ) fprintf( stderr, CORE_PKCS11_TEST_LOG_ARGS message );         \
        ( void ) fprintf( stderr, "\n" );                                      \
    } while( 0 )

#endif /* CORE_PKCS11_CONFIG_H_ */
