/*
 * core-pkcs11 configuration shim.
 *
 * Compiled by rust/ffi/build.rs against the application's core_pkcs11_config.h, this file
 * turns the pkcs11config* macros into symbols the Rust library reads at run time, exactly
 * as the macros would take effect in the C library. Every symbol is prefixed with
 * core_pkcs11_cfg_.
 */

#include <stddef.h>
#include <stdlib.h>

#include "core_pkcs11_config.h"
#include "core_pkcs11_config_defaults.h"

/* Declarations, so that -Wmissing-declarations style checks are satisfied. */
extern const char core_pkcs11_cfg_default_user_pin[];
extern const size_t core_pkcs11_cfg_default_user_pin_len;
extern const unsigned long core_pkcs11_cfg_max_sessions;
extern const unsigned long core_pkcs11_cfg_max_objects;
extern const unsigned long core_pkcs11_cfg_max_label_length;
extern const unsigned long core_pkcs11_cfg_min_pin_length;
extern const unsigned long core_pkcs11_cfg_max_pin_length;
extern const unsigned long core_pkcs11_cfg_max_login_attempts;
void * core_pkcs11_cfg_malloc( size_t size );
void core_pkcs11_cfg_free( void * ptr );
void core_pkcs11_cfg_log( int level, const char * msg );

/* pkcs11configPKCS11_DEFAULT_USER_PIN is a string literal; the length excludes its NUL. */
const char core_pkcs11_cfg_default_user_pin[] = pkcs11configPKCS11_DEFAULT_USER_PIN;
const size_t core_pkcs11_cfg_default_user_pin_len = sizeof( pkcs11configPKCS11_DEFAULT_USER_PIN ) - 1U;

const unsigned long core_pkcs11_cfg_max_sessions = ( unsigned long ) ( pkcs11configMAX_SESSIONS );
const unsigned long core_pkcs11_cfg_max_objects = ( unsigned long ) ( pkcs11configMAX_NUM_OBJECTS );
const unsigned long core_pkcs11_cfg_max_label_length = ( unsigned long ) ( pkcs11configMAX_LABEL_LENGTH );
const unsigned long core_pkcs11_cfg_min_pin_length = ( unsigned long ) ( pkcs11configMIN_PIN_LENGTH );
const unsigned long core_pkcs11_cfg_max_pin_length = ( unsigned long ) ( pkcs11configMAX_PIN_LENGTH );
const unsigned long core_pkcs11_cfg_max_login_attempts = ( unsigned long ) ( pkcs11configMAX_LOGIN_ATTEMPTS );

void * core_pkcs11_cfg_malloc( size_t size )
{
    return pkcs11configPKCS11_MALLOC( size );
}

void core_pkcs11_cfg_free( void * ptr )
{
    pkcs11configPKCS11_FREE( ptr );
}

/* Levels: 1 error, 2 warning, 3 info, anything else debug. */
void core_pkcs11_cfg_log( int level, const char * msg )
{
    if( msg == NULL )
    {
        return;
    }

    switch( level )
    {
        case 1:
            LogError( ( "%s", msg ) );
            break;

        case 2:
            LogWarn( ( "%s", msg ) );
            break;

        case 3:
            LogInfo( ( "%s", msg ) );
            break;

        default:
            LogDebug( ( "%s", msg ) );
            break;
    }

    /* With the logging macros empty, msg would otherwise be unused. */
    ( void ) msg;
}

/* The corePKCS11 object labels (a vendor PAL port stores exactly these). */
extern const char * const core_pkcs11_cfg_labels[];
extern const size_t core_pkcs11_cfg_label_count;

const char * const core_pkcs11_cfg_labels[] =
{
    pkcs11configLABEL_DEVICE_PRIVATE_KEY_FOR_TLS,
    pkcs11configLABEL_DEVICE_PUBLIC_KEY_FOR_TLS,
    pkcs11configLABEL_DEVICE_CERTIFICATE_FOR_TLS,
    pkcs11configLABEL_ROOT_CERTIFICATE,
    pkcs11configLABEL_HMAC_KEY,
    pkcs11configLABEL_CMAC_KEY,
    pkcs11configLABEL_CODE_VERIFICATION_KEY,
    pkcs11configLABEL_JITP_CERTIFICATE,
    pkcs11configLABEL_CLAIM_CERTIFICATE,
    pkcs11configLABEL_CLAIM_PRIVATE_KEY,
};
const size_t core_pkcs11_cfg_label_count = sizeof( core_pkcs11_cfg_labels ) / sizeof( core_pkcs11_cfg_labels[ 0 ] );

/*
 * Default mutex hooks of include/core_pkcs11_port.h for bare metal without an RTOS: one
 * caller, nothing to block on. Weak, so that a port (port/freertos) replaces them.
 */
#if defined( __GNUC__ ) || defined( __clang__ )
    #define CORE_PKCS11_WEAK    __attribute__( ( weak ) )
#else
    #define CORE_PKCS11_WEAK
#endif

void * pvCorePkcs11MutexCreate( void );
void vCorePkcs11MutexLock( void * pvMutex );
void vCorePkcs11MutexUnlock( void * pvMutex );
void vCorePkcs11MutexDestroy( void * pvMutex );

static char prvPlaceholderMutex;

CORE_PKCS11_WEAK void * pvCorePkcs11MutexCreate( void )
{
    return &prvPlaceholderMutex;
}

CORE_PKCS11_WEAK void vCorePkcs11MutexLock( void * pvMutex )
{
    ( void ) pvMutex;
}

CORE_PKCS11_WEAK void vCorePkcs11MutexUnlock( void * pvMutex )
{
    ( void ) pvMutex;
}

CORE_PKCS11_WEAK void vCorePkcs11MutexDestroy( void * pvMutex )
{
    ( void ) pvMutex;
}
