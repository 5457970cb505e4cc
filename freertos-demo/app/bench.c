/*
 * core-pkcs11 FreeRTOS demo, image bench: cost of the token's operations on
 * the Cortex-M3.
 *
 * SPDX-License-Identifier: MIT
 * Copyright (c) the core-pkcs11 authors.
 *
 * Run under QEMU with -icount shift=0 (freertos-demo/run.sh bench does): one
 * instruction is then one virtual nanosecond, and the 25 MHz CMSDK timer
 * (port/qemu-mps2/mps2_timer.c) counts one tick per 40 instructions, so the
 * figures are instruction counts (with 40-instruction resolution) that repeat
 * from run to run. They include the SysTick interrupt (1 kHz) and the
 * semihosting entropy reads; they are not cycle counts of a real Cortex-M3
 * (no wait states, no bus or multiply timing).
 *
 * For each operation: the first call, the mean of the following calls
 * (steady state), the deepest stack the demo task reached and the largest
 * heap use above what was allocated before the call.
 */

#include <stdio.h>
#include <string.h>

#include "FreeRTOS.h"
#include "task.h"

#include "core_pkcs11_config.h"
#include "core_pkcs11_config_defaults.h"
#include "core_pkcs11.h"

#include "demo.h"
#include "mps2_timer.h"
#include "test_vectors.h"

const char * const pcDemoName = "bench (instructions, stack and heap per operation)";

#define LABEL_LEN( label )    ( ( CK_ULONG ) ( sizeof( label ) - 1U ) )

static CK_FUNCTION_LIST_PTR pxFn = NULL;
static CK_SESSION_HANDLE xSession = CK_INVALID_HANDLE;
static CK_OBJECT_HANDLE xEcPrivate = CK_INVALID_HANDLE;
static CK_OBJECT_HANDLE xEcPublic = CK_INVALID_HANDLE;
static CK_OBJECT_HANDLE xRsaPrivate = CK_INVALID_HANDLE;
static CK_OBJECT_HANDLE xRsaPublic = CK_INVALID_HANDLE;
static uint8_t aucHash[ 32 ];
static uint8_t aucDigestInfo[ pkcs11RSA_SIGNATURE_INPUT_LENGTH ];
static uint8_t aucEcSignature[ 64 ];
static uint8_t aucRsaSignature[ 256 ];
static uint8_t aucKiB[ 1024 ];
static CK_BBOOL xTrue = CK_TRUE;
static CK_BBOOL xFalse = CK_FALSE;
static unsigned int uxErrors = 0;

/*------------------------------- Operations ---------------------------------*/

typedef CK_RV ( * Operation_t )( void );

static CK_RV prvOpInitialize( void )
{
    CK_RV xRv = xInitializePKCS11();

    if( xRv == CKR_OK )
    {
        xRv = pxFn->C_Finalize( NULL_PTR );
    }

    return xRv;
}

static CK_RV prvOpLogin( void )
{
    CK_RV xRv = pxFn->C_Login( xSession, CKU_USER, ( CK_UTF8CHAR_PTR ) pkcs11configPKCS11_DEFAULT_USER_PIN,
                               LABEL_LEN( pkcs11configPKCS11_DEFAULT_USER_PIN ) );

    if( xRv == CKR_OK )
    {
        xRv = pxFn->C_Logout( xSession );
    }

    return xRv;
}

static CK_RV prvOpSha256KiB( void )
{
    CK_MECHANISM xMechanism = { CKM_SHA256, NULL_PTR, 0 };
    CK_ULONG ulLength = sizeof( aucHash );
    CK_RV xRv = pxFn->C_DigestInit( xSession, &xMechanism );

    if( xRv == CKR_OK )
    {
        xRv = pxFn->C_Digest( xSession, aucKiB, sizeof( aucKiB ), aucHash, &ulLength );
    }

    return xRv;
}

static CK_RV prvOpRandom32( void )
{
    uint8_t aucRandom[ 32 ];

    return pxFn->C_GenerateRandom( xSession, aucRandom, sizeof( aucRandom ) );
}

static CK_RV prvOpEcKeyGen( void )
{
    CK_MECHANISM xMechanism = { CKM_EC_KEY_PAIR_GEN, NULL_PTR, 0 };
    CK_BYTE aucEcParams[] = pkcs11DER_ENCODED_OID_P256;
    CK_KEY_TYPE xEc = CKK_EC;
    CK_OBJECT_HANDLE xPublic = CK_INVALID_HANDLE;
    CK_OBJECT_HANDLE xPrivate = CK_INVALID_HANDLE;
    CK_ATTRIBUTE axPublic[] =
    {
        { CKA_KEY_TYPE,  &xEc,        sizeof( xEc )         },
        { CKA_TOKEN,     &xFalse,     sizeof( xFalse )      },
        { CKA_VERIFY,    &xTrue,      sizeof( xTrue )       },
        { CKA_EC_PARAMS, aucEcParams, sizeof( aucEcParams ) }
    };
    CK_ATTRIBUTE axPrivate[] =
    {
        { CKA_KEY_TYPE, &xEc,    sizeof( xEc )    },
        { CKA_TOKEN,    &xFalse, sizeof( xFalse ) },
        { CKA_SIGN,     &xTrue,  sizeof( xTrue )  }
    };
    CK_RV xRv = pxFn->C_GenerateKeyPair( xSession, &xMechanism, axPublic, 4, axPrivate, 3, &xPublic, &xPrivate );

    /* Keep the first pair for the ECDSA measurements, drop the others. */
    if( ( xRv == CKR_OK ) && ( xEcPrivate == CK_INVALID_HANDLE ) )
    {
        xEcPrivate = xPrivate;
        xEcPublic = xPublic;
    }
    else if( xRv == CKR_OK )
    {
        ( void ) pxFn->C_DestroyObject( xSession, xPrivate );
        ( void ) pxFn->C_DestroyObject( xSession, xPublic );
    }

    return xRv;
}

static CK_RV prvOpEcdsaSign( void )
{
    CK_MECHANISM xMechanism = { CKM_ECDSA, NULL_PTR, 0 };
    CK_ULONG ulLength = sizeof( aucEcSignature );
    CK_RV xRv = pxFn->C_SignInit( xSession, &xMechanism, xEcPrivate );

    if( xRv == CKR_OK )
    {
        xRv = pxFn->C_Sign( xSession, aucHash, sizeof( aucHash ), aucEcSignature, &ulLength );
    }

    return xRv;
}

static CK_RV prvOpEcdsaVerify( void )
{
    CK_MECHANISM xMechanism = { CKM_ECDSA, NULL_PTR, 0 };
    CK_RV xRv = pxFn->C_VerifyInit( xSession, &xMechanism, xEcPublic );

    if( xRv == CKR_OK )
    {
        xRv = pxFn->C_Verify( xSession, aucHash, sizeof( aucHash ), aucEcSignature, sizeof( aucEcSignature ) );
    }

    return xRv;
}

static CK_RV prvOpRsaImport( void )
{
    CK_OBJECT_CLASS xClass = CKO_PRIVATE_KEY;
    CK_KEY_TYPE xRsa = CKK_RSA;
    CK_OBJECT_HANDLE xKey = CK_INVALID_HANDLE;
    CK_ATTRIBUTE axPrivate[] =
    {
        { CKA_CLASS,            &xClass,                                sizeof( xClass )                            },
        { CKA_KEY_TYPE,         &xRsa,                                  sizeof( xRsa )                              },
        { CKA_TOKEN,            &xFalse,                                sizeof( xFalse )                            },
        { CKA_SIGN,             &xTrue,                                 sizeof( xTrue )                             },
        { CKA_MODULUS,          ( void * ) aucRsa2048_modulus,          sizeof( aucRsa2048_modulus )          },
        { CKA_PUBLIC_EXPONENT,  ( void * ) aucRsa2048_public_exponent,  sizeof( aucRsa2048_public_exponent )  },
        { CKA_PRIVATE_EXPONENT, ( void * ) aucRsa2048_private_exponent, sizeof( aucRsa2048_private_exponent ) },
        { CKA_PRIME_1,          ( void * ) aucRsa2048_prime1,           sizeof( aucRsa2048_prime1 )           },
        { CKA_PRIME_2,          ( void * ) aucRsa2048_prime2,           sizeof( aucRsa2048_prime2 )           },
        { CKA_EXPONENT_1,       ( void * ) aucRsa2048_exponent1,        sizeof( aucRsa2048_exponent1 )        },
        { CKA_EXPONENT_2,       ( void * ) aucRsa2048_exponent2,        sizeof( aucRsa2048_exponent2 )        },
        { CKA_COEFFICIENT,      ( void * ) aucRsa2048_coefficient,      sizeof( aucRsa2048_coefficient )      }
    };
    CK_RV xRv = pxFn->C_CreateObject( xSession, axPrivate, sizeof( axPrivate ) / sizeof( axPrivate[ 0 ] ), &xKey );

    if( ( xRv == CKR_OK ) && ( xRsaPrivate == CK_INVALID_HANDLE ) )
    {
        xRsaPrivate = xKey;
    }
    else if( xRv == CKR_OK )
    {
        ( void ) pxFn->C_DestroyObject( xSession, xKey );
    }

    return xRv;
}

static CK_RV prvOpRsaSign( void )
{
    CK_MECHANISM xMechanism = { CKM_RSA_PKCS, NULL_PTR, 0 };
    CK_ULONG ulLength = sizeof( aucRsaSignature );
    CK_RV xRv = pxFn->C_SignInit( xSession, &xMechanism, xRsaPrivate );

    if( xRv == CKR_OK )
    {
        xRv = pxFn->C_Sign( xSession, aucDigestInfo, sizeof( aucDigestInfo ), aucRsaSignature, &ulLength );
    }

    if( ( xRv == CKR_OK ) && ( memcmp( aucRsaSignature, aucRsa2048Sha256KnownSignature, sizeof( aucRsaSignature ) ) != 0 ) )
    {
        xRv = CKR_GENERAL_ERROR;
    }

    return xRv;
}

static CK_RV prvOpRsaVerify( void )
{
    CK_MECHANISM xMechanism = { CKM_RSA_PKCS, NULL_PTR, 0 };
    CK_RV xRv = pxFn->C_VerifyInit( xSession, &xMechanism, xRsaPublic );

    if( xRv == CKR_OK )
    {
        xRv = pxFn->C_Verify( xSession, aucDigestInfo, sizeof( aucDigestInfo ),
                              ( CK_BYTE_PTR ) aucRsa2048Sha256KnownSignature, sizeof( aucRsa2048Sha256KnownSignature ) );
    }

    return xRv;
}

/*------------------------------- Measurement --------------------------------*/

static void prvMeasure( const char * pcName,
                        Operation_t xOperation,
                        uint32_t ulRuns )
{
    uint32_t ulStart;
    uint32_t ulFirst = 0;
    uint64_t ullRest = 0;
    size_t xFreeBefore;
    size_t xHeapPeak = 0;
    size_t xStackPeak;
    uint32_t i;
    CK_RV xRv = CKR_OK;

    vDemoStackMark();

    for( i = 0; ( i < ulRuns ) && ( xRv == CKR_OK ); i++ )
    {
        xFreeBefore = xPortGetFreeHeapSize();
        xPortResetHeapMinimumEverFreeHeapSize();
        ulStart = ulMps2TimerTicks();
        xRv = xOperation();
        ulStart = ulMps2TimerTicks() - ulStart;

        if( ( xFreeBefore - xPortGetMinimumEverFreeHeapSize() ) > xHeapPeak )
        {
            xHeapPeak = xFreeBefore - xPortGetMinimumEverFreeHeapSize();
        }

        if( i == 0U )
        {
            ulFirst = ulStart;
        }
        else
        {
            ullRest += ulStart;
        }
    }

    xStackPeak = xDemoStackPeakBytes();

    if( xRv != CKR_OK )
    {
        uxErrors++;
        printf( "bench: %-36s FAILED (CK_RV 0x%lx)\n", pcName, ( unsigned long ) xRv );
        return;
    }

    if( ulRuns > 1U )
    {
        printf( "bench: %-36s first %10lu  steady %10lu instructions  stack %5u  heap %6u bytes\n",
                pcName,
                ( unsigned long ) ( ulFirst * MPS2_TIMER_INSTRUCTIONS_PER_TICK ),
                ( unsigned long ) ( ( ullRest / ( ulRuns - 1U ) ) * MPS2_TIMER_INSTRUCTIONS_PER_TICK ),
                ( unsigned ) xStackPeak, ( unsigned ) xHeapPeak );
    }
    else
    {
        printf( "bench: %-36s once  %10lu  %17s instructions  stack %5u  heap %6u bytes\n",
                pcName, ( unsigned long ) ( ulFirst * MPS2_TIMER_INSTRUCTIONS_PER_TICK ), "",
                ( unsigned ) xStackPeak, ( unsigned ) xHeapPeak );
    }
}

int lDemoRun( void )
{
    CK_OBJECT_CLASS xPublicClass = CKO_PUBLIC_KEY;
    CK_KEY_TYPE xRsa = CKK_RSA;
    CK_RV xRv;

    vMps2TimerStart();
    memset( aucKiB, 0x5A, sizeof( aucKiB ) );

    /* heap_4 sets itself up at the first allocation; before it, the free
     * size reads 0. */
    vPortFree( pvPortMalloc( 8 ) );
    ( void ) lDemoAttachStorage( NULL );

    xRv = C_GetFunctionList( &pxFn );

    if( ( xRv != CKR_OK ) || ( pxFn == NULL ) )
    {
        printf( "bench: C_GetFunctionList failed\n" );
        return 1;
    }

    printf( "bench: figures are instructions under -icount shift=0 (timer ticks x %lu); stack = deepest demo-task stack during the call; heap = peak heap use above the level before the call\n",
            ( unsigned long ) MPS2_TIMER_INSTRUCTIONS_PER_TICK );

    prvMeasure( "C_Initialize+C_Finalize", prvOpInitialize, 3 );

    xRv = xInitializePkcs11Session( &xSession );

    if( xRv != CKR_OK )
    {
        printf( "bench: xInitializePkcs11Session failed (0x%lx)\n", ( unsigned long ) xRv );
        return 1;
    }

    ( void ) pxFn->C_Logout( xSession );
    prvMeasure( "C_Login+C_Logout (default PIN)", prvOpLogin, 3 );
    ( void ) pxFn->C_Login( xSession, CKU_USER, ( CK_UTF8CHAR_PTR ) pkcs11configPKCS11_DEFAULT_USER_PIN,
                            LABEL_LEN( pkcs11configPKCS11_DEFAULT_USER_PIN ) );

    /* The token serves random bytes from a 512-byte Hash_DRBG buffer: 32 steady
     * calls (1 KiB) refill it exactly twice, so the steady figure is the
     * amortised cost per 32 bytes, refills included. */
    prvMeasure( "C_GenerateRandom 32 bytes", prvOpRandom32, 33 );
    prvMeasure( "C_DigestInit+C_Digest SHA-256 1 KiB", prvOpSha256KiB, 5 );
    prvMeasure( "C_GenerateKeyPair EC P-256", prvOpEcKeyGen, 3 );
    prvMeasure( "C_SignInit+C_Sign CKM_ECDSA", prvOpEcdsaSign, 5 );
    prvMeasure( "C_VerifyInit+C_Verify CKM_ECDSA", prvOpEcdsaVerify, 5 );

    {
        CK_ATTRIBUTE axPublic[] =
        {
            { CKA_CLASS,           &xPublicClass,                         sizeof( xPublicClass )                     },
            { CKA_KEY_TYPE,        &xRsa,                                 sizeof( xRsa )                             },
            { CKA_TOKEN,           &xFalse,                               sizeof( xFalse )                           },
            { CKA_VERIFY,          &xTrue,                                sizeof( xTrue )                            },
            { CKA_MODULUS,         ( void * ) aucRsa2048_modulus,         sizeof( aucRsa2048_modulus )         },
            { CKA_PUBLIC_EXPONENT, ( void * ) aucRsa2048_public_exponent, sizeof( aucRsa2048_public_exponent ) }
        };

        xRv = pxFn->C_CreateObject( xSession, axPublic, sizeof( axPublic ) / sizeof( axPublic[ 0 ] ), &xRsaPublic );
    }

    if( xRv != CKR_OK )
    {
        printf( "bench: RSA public key import failed (0x%lx)\n", ( unsigned long ) xRv );
        return 1;
    }

    {
        /* DigestInfo of SHA-256("core-pkcs11 known answer"). */
        CK_MECHANISM xMechanism = { CKM_SHA256, NULL_PTR, 0 };
        CK_ULONG ulLength = sizeof( aucHash );
        uint8_t aucMessageHash[ 32 ];

        xRv = pxFn->C_DigestInit( xSession, &xMechanism );

        if( xRv == CKR_OK )
        {
            xRv = pxFn->C_Digest( xSession, ( CK_BYTE_PTR ) "core-pkcs11 known answer", 24, aucMessageHash, &ulLength );
        }

        if( xRv == CKR_OK )
        {
            xRv = vAppendSHA256AlgorithmIdentifierSequence( aucMessageHash, aucDigestInfo );
        }
    }

    prvMeasure( "C_CreateObject RSA-2048 private key", prvOpRsaImport, 3 );
    prvMeasure( "C_SignInit+C_Sign CKM_RSA_PKCS 2048", prvOpRsaSign, 3 );
    prvMeasure( "C_VerifyInit+C_Verify CKM_RSA_PKCS", prvOpRsaVerify, 5 );

    ( void ) pxFn->C_CloseSession( xSession );
    ( void ) pxFn->C_Finalize( NULL_PTR );

    vDemoPrintResources();
    printf( "bench: %s\n", ( uxErrors == 0U ) ? "done" : "FAILED" );
    return ( uxErrors == 0U ) ? 0 : 1;
}
