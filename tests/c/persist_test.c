/*
 * core-pkcs11: token objects kept in the persistent store (the host image, or a
 * vendor PAL port such as pal/file_pal.c) survive
 * a restart of the program. Run with "write" (provision) and then "read" (find,
 * sign, verify, destroy) as two processes.
 *
 * SPDX-License-Identifier: MIT
 * Copyright (c) the core-pkcs11 authors.
 */

#include <stdio.h>
#include <string.h>

#include "core_pkcs11_config.h"
#include "core_pkcs11_config_defaults.h"
#include "core_pkcs11.h"
#include "test_cert.h"

static unsigned prvPassed;
static unsigned prvFailed;

#define CHECK( cond, what )                                  \
    do {                                                     \
        if( cond ) { prvPassed++; printf( "PASS %s\n", what ); } \
        else { prvFailed++; printf( "FAIL %s\n", what ); }   \
    } while( 0 )

#define LABEL_LEN( label )    ( ( CK_ULONG ) ( sizeof( label ) - 1U ) )

static CK_FUNCTION_LIST_PTR pxList;

static void prvWrite( CK_SESSION_HANDLE xSession )
{
    CK_KEY_TYPE xEc = CKK_EC;
    CK_BBOOL xTrue = CK_TRUE;
    CK_BYTE aucP256[] = pkcs11DER_ENCODED_OID_P256;
    char acPub[] = pkcs11configLABEL_DEVICE_PUBLIC_KEY_FOR_TLS;
    char acPriv[] = pkcs11configLABEL_DEVICE_PRIVATE_KEY_FOR_TLS;
    char acCert[] = pkcs11configLABEL_DEVICE_CERTIFICATE_FOR_TLS;
    CK_MECHANISM xMech = { CKM_EC_KEY_PAIR_GEN, NULL_PTR, 0 };
    CK_ATTRIBUTE axPublic[] =
    {
        { CKA_KEY_TYPE, &xEc,     sizeof( xEc )       },
        { CKA_VERIFY,   &xTrue,   sizeof( xTrue )     },
        { CKA_EC_PARAMS, aucP256, sizeof( aucP256 )   },
        { CKA_LABEL,    acPub,    LABEL_LEN( acPub )  },
        { CKA_TOKEN,    &xTrue,   sizeof( xTrue )     },
    };
    CK_ATTRIBUTE axPrivate[] =
    {
        { CKA_KEY_TYPE, &xEc,   sizeof( xEc )       },
        { CKA_TOKEN,    &xTrue, sizeof( xTrue )     },
        { CKA_PRIVATE,  &xTrue, sizeof( xTrue )     },
        { CKA_SIGN,     &xTrue, sizeof( xTrue )     },
        { CKA_LABEL,    acPriv, LABEL_LEN( acPriv ) },
    };
    CK_OBJECT_CLASS xCertClass = CKO_CERTIFICATE;
    CK_CERTIFICATE_TYPE xX509 = CKC_X_509;
    CK_ATTRIBUTE axCert[] =
    {
        { CKA_CLASS,            &xCertClass,                        sizeof( xCertClass )             },
        { CKA_CERTIFICATE_TYPE, &xX509,                             sizeof( xX509 )                  },
        { CKA_VALUE,            ( void * ) aucTestCertificateDer,   sizeof( aucTestCertificateDer )  },
        { CKA_LABEL,            acCert,                             LABEL_LEN( acCert )              },
        { CKA_TOKEN,            &xTrue,                             sizeof( xTrue )                  },
    };
    CK_OBJECT_HANDLE xPub = 0, xPriv = 0, xCertHandle = 0;

    CHECK( pxList->C_GenerateKeyPair( xSession, &xMech, axPublic, 5, axPrivate, 5, &xPub, &xPriv ) == CKR_OK,
           "C_GenerateKeyPair stores both keys" );
    CHECK( pxList->C_CreateObject( xSession, axCert, 5, &xCertHandle ) == CKR_OK,
           "C_CreateObject stores the certificate" );
}

static void prvRead( CK_SESSION_HANDLE xSession )
{
    char acPub[] = pkcs11configLABEL_DEVICE_PUBLIC_KEY_FOR_TLS;
    char acPriv[] = pkcs11configLABEL_DEVICE_PRIVATE_KEY_FOR_TLS;
    char acCert[] = pkcs11configLABEL_DEVICE_CERTIFICATE_FOR_TLS;
    CK_OBJECT_HANDLE xPub = 0, xPriv = 0, xCert = 0;
    CK_MECHANISM xEcdsa = { CKM_ECDSA, NULL_PTR, 0 };
    CK_BYTE aucHash[ 32 ];
    CK_BYTE aucSig[ 64 ];
    CK_ULONG ulSigLen = sizeof( aucSig );
    CK_BYTE aucValue[ 1024 ];
    CK_ATTRIBUTE xValue = { CKA_VALUE, aucValue, sizeof( aucValue ) };

    memset( aucHash, 0x42, sizeof( aucHash ) );
    CHECK( xFindObjectWithLabelAndClass( xSession, acPriv, LABEL_LEN( acPriv ), CKO_PRIVATE_KEY, &xPriv ) == CKR_OK && xPriv != 0,
           "private key found after restart" );
    CHECK( xFindObjectWithLabelAndClass( xSession, acPub, LABEL_LEN( acPub ), CKO_PUBLIC_KEY, &xPub ) == CKR_OK && xPub != 0,
           "public key found after restart" );
    CHECK( xFindObjectWithLabelAndClass( xSession, acCert, LABEL_LEN( acCert ), CKO_CERTIFICATE, &xCert ) == CKR_OK && xCert != 0,
           "certificate found after restart" );
    CHECK( pxList->C_GetAttributeValue( xSession, xCert, &xValue, 1 ) == CKR_OK &&
           xValue.ulValueLen == sizeof( aucTestCertificateDer ) &&
           memcmp( aucValue, aucTestCertificateDer, sizeof( aucTestCertificateDer ) ) == 0,
           "certificate value unchanged" );
    CHECK( pxList->C_SignInit( xSession, &xEcdsa, xPriv ) == CKR_OK &&
           pxList->C_Sign( xSession, aucHash, sizeof( aucHash ), aucSig, &ulSigLen ) == CKR_OK,
           "restored private key signs" );
    CHECK( pxList->C_VerifyInit( xSession, &xEcdsa, xPub ) == CKR_OK &&
           pxList->C_Verify( xSession, aucHash, sizeof( aucHash ), aucSig, ulSigLen ) == CKR_OK,
           "restored public key verifies" );
    CHECK( pxList->C_DestroyObject( xSession, xCert ) == CKR_OK, "certificate destroyed" );
}

int main( int argc,
          char ** argv )
{
    CK_SESSION_HANDLE xSession = 0;
    int xWrite = ( argc > 1 ) && ( strcmp( argv[ 1 ], "write" ) == 0 );
    int xVerifyGone = ( argc > 1 ) && ( strcmp( argv[ 1 ], "gone" ) == 0 );

    CHECK( C_GetFunctionList( &pxList ) == CKR_OK, "C_GetFunctionList" );
    CHECK( xInitializePkcs11Session( &xSession ) == CKR_OK, "xInitializePkcs11Session" );

    if( xWrite )
    {
        prvWrite( xSession );
    }
    else if( xVerifyGone )
    {
        char acCert[] = pkcs11configLABEL_DEVICE_CERTIFICATE_FOR_TLS;
        CK_OBJECT_HANDLE xCert = 1;
        CHECK( xFindObjectWithLabelAndClass( xSession, acCert, LABEL_LEN( acCert ), CKO_CERTIFICATE, &xCert ) == CKR_OK &&
               xCert == CK_INVALID_HANDLE, "destroyed certificate stays destroyed after restart" );
    }
    else
    {
        prvRead( xSession );
    }

    CHECK( pxList->C_Finalize( NULL_PTR ) == CKR_OK, "C_Finalize" );
    printf( "%u passed, %u failed\n", prvPassed, prvFailed );
    return ( prvFailed == 0U ) ? 0 : 1;
}
