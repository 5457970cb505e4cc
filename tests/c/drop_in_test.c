/*
 * core-pkcs11: C drop-in test.
 *
 * SPDX-License-Identifier: MIT
 * Copyright (c) the core-pkcs11 authors.
 *
 * Written the way a FreeRTOS application uses corePKCS11: only core_pkcs11.h,
 * core_pki_utils.h, the application's configuration and the PKCS #11 API. It
 * provisions a P-256 key pair and a certificate, finds them by label, hashes,
 * signs and verifies, converts signatures with the PKI helpers and checks the
 * corners an application relies on. Each check prints one line; the last line
 * is "N passed, M failed" and the exit status is non-zero on any failure.
 *
 * Built twice by tests/c/CMakeLists.txt: with the default (released v3.x) PKI
 * helper API, and with -Dpkcs11configPKI_UTILS_LEGACY_API=0 (bounded API).
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core_pkcs11_config.h"
#include "core_pkcs11_config_defaults.h"
#include "core_pkcs11.h"
#include "core_pki_utils.h"

#include "test_cert.h"

/*-------------------------------- Reporting ---------------------------------*/

static unsigned int uxPassed = 0;
static unsigned int uxFailed = 0;

static void prvCheck( int xCondition,
                      const char * pcName,
                      const char * pcDetail )
{
    if( xCondition )
    {
        uxPassed++;
        printf( "PASS %s\n", pcName );
    }
    else
    {
        uxFailed++;
        printf( "FAIL %s%s%s\n", pcName, ( pcDetail != NULL ) ? ": " : "", ( pcDetail != NULL ) ? pcDetail : "" );
    }
}

#define CHECK( cond, name )    prvCheck( ( cond ) ? 1 : 0, ( name ), #cond )

static void prvCheckRv( CK_RV xActual,
                        CK_RV xExpected,
                        const char * pcName )
{
    char acDetail[ 80 ];

    ( void ) snprintf( acDetail, sizeof( acDetail ), "returned 0x%lx, expected 0x%lx",
                       ( unsigned long ) xActual, ( unsigned long ) xExpected );
    prvCheck( xActual == xExpected, pcName, acDetail );
}

static int prvFinish( void )
{
    printf( "%u passed, %u failed\n", uxPassed, uxFailed );
    return ( uxFailed == 0U ) ? EXIT_SUCCESS : EXIT_FAILURE;
}

/*------------------------------- Test data ----------------------------------*/

/* SHA-256( "abc" ), FIPS 180-2 appendix B.1. */
static const CK_BYTE aucAbcDigest[ pkcs11SHA256_DIGEST_LENGTH ] =
{
    0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40, 0xde,
    0x5d, 0xae, 0x22, 0x23, 0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17, 0x7a, 0x9c,
    0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad
};

#define LABEL_LEN( label )    ( ( CK_ULONG ) ( sizeof( label ) - 1U ) )

/*------------------------------ PKI helpers ---------------------------------*/

/* Converts raw R || S to DER in place (in a 72-byte buffer), whichever API the
 * header declares. */
static int8_t prvRawToDer( uint8_t * pucBuffer72,
                           size_t * pxDerLen )
{
#if ( pkcs11configPKI_UTILS_LEGACY_API != 0 )
    return PKI_pkcs11SignatureTombedTLSSignature( pucBuffer72, pxDerLen );
#else
    return PKI_pkcs11SignatureTombedTLSSignature( pucBuffer72, 72U, pxDerLen );
#endif
}

static int8_t prvDerToRaw( uint8_t * pucRaw64,
                           const uint8_t * pucDer,
                           size_t xDerLen )
{
#if ( pkcs11configPKI_UTILS_LEGACY_API != 0 )
    ( void ) xDerLen;
    return PKI_mbedTLSSignatureToPkcs11Signature( pucRaw64, pucDer );
#else
    return PKI_mbedTLSSignatureToPkcs11Signature( pucRaw64, 64U, pucDer, xDerLen );
#endif
}

static void prvTestPkiUtils( const CK_BYTE * pucSignature )
{
    uint8_t aucBuffer[ 72 ];
    uint8_t aucRaw[ 64 ];
    uint8_t aucSynthetic[ 64 ];
    size_t xDerLen = 0;
    size_t i;

    /* Round trip of the signature the token made. */
    memset( aucBuffer, 0, sizeof( aucBuffer ) );
    memcpy( aucBuffer, pucSignature, 64 );
    CHECK( prvRawToDer( aucBuffer, &xDerLen ) == 0, "PKI raw->DER of token signature" );
    CHECK( ( xDerLen >= 8U ) && ( xDerLen <= 72U ), "PKI DER length within 8..72" );
    CHECK( ( aucBuffer[ 0 ] == 0x30U ) && ( ( size_t ) aucBuffer[ 1 ] + 2U == xDerLen ), "PKI DER is a SEQUENCE of the reported length" );
    CHECK( aucBuffer[ 2 ] == 0x02U, "PKI DER starts with INTEGER r" );
    memset( aucRaw, 0xA5, sizeof( aucRaw ) );
    CHECK( prvDerToRaw( aucRaw, aucBuffer, xDerLen ) == 0, "PKI DER->raw of token signature" );
    CHECK( memcmp( aucRaw, pucSignature, 64 ) == 0, "PKI round trip restores the signature" );

    /* r with its top bit set needs a 0x00 pad; s with leading zero bytes. */
    for( i = 0; i < 32U; i++ )
    {
        aucSynthetic[ i ] = ( uint8_t ) ( 0x80U + i );
        aucSynthetic[ 32U + i ] = ( i < 2U ) ? 0x00U : ( uint8_t ) ( 0x40U + i );
    }

    memset( aucBuffer, 0, sizeof( aucBuffer ) );
    memcpy( aucBuffer, aucSynthetic, 64 );
    CHECK( prvRawToDer( aucBuffer, &xDerLen ) == 0, "PKI raw->DER with high-bit r" );
    CHECK( ( aucBuffer[ 2 ] == 0x02U ) && ( aucBuffer[ 3 ] == 0x21U ) && ( aucBuffer[ 4 ] == 0x00U ) && ( aucBuffer[ 5 ] == 0x80U ),
           "PKI DER pads a high-bit r with 0x00" );
    memset( aucRaw, 0xA5, sizeof( aucRaw ) );
    CHECK( ( prvDerToRaw( aucRaw, aucBuffer, xDerLen ) == 0 ) && ( memcmp( aucRaw, aucSynthetic, 64 ) == 0 ),
           "PKI round trip with high-bit r and short s" );

    /* Short INTEGERs are left-padded: r = 5, s = 0x010001. */
    {
        static const uint8_t aucShortDer[] = { 0x30, 0x08, 0x02, 0x01, 0x05, 0x02, 0x03, 0x01, 0x00, 0x01 };
        uint8_t aucExpected[ 64 ];

        memset( aucExpected, 0, sizeof( aucExpected ) );
        aucExpected[ 31 ] = 0x05;
        aucExpected[ 61 ] = 0x01;
        aucExpected[ 62 ] = 0x00;
        aucExpected[ 63 ] = 0x01;
        memset( aucBuffer, 0, sizeof( aucBuffer ) );
        memcpy( aucBuffer, aucShortDer, sizeof( aucShortDer ) );
        memset( aucRaw, 0xA5, sizeof( aucRaw ) );
        CHECK( ( prvDerToRaw( aucRaw, aucBuffer, sizeof( aucShortDer ) ) == 0 ) && ( memcmp( aucRaw, aucExpected, 64 ) == 0 ),
               "PKI DER->raw left-pads short integers" );
    }

    /* Malformed input is rejected. */
    memset( aucBuffer, 0, sizeof( aucBuffer ) );
    aucBuffer[ 0 ] = 0x31; /* SET, not SEQUENCE */
    aucBuffer[ 1 ] = 0x06;
    aucBuffer[ 2 ] = 0x02;
    aucBuffer[ 3 ] = 0x01;
    aucBuffer[ 4 ] = 0x01;
    aucBuffer[ 5 ] = 0x02;
    aucBuffer[ 6 ] = 0x01;
    aucBuffer[ 7 ] = 0x01;
    CHECK( prvDerToRaw( aucRaw, aucBuffer, 8U ) == -1, "PKI DER->raw rejects a non-SEQUENCE" );
    aucBuffer[ 0 ] = 0x30;
    aucBuffer[ 3 ] = 0x30; /* r claims 48 bytes, more than the sequence holds */
    CHECK( prvDerToRaw( aucRaw, aucBuffer, 8U ) == -1, "PKI DER->raw rejects an overlong INTEGER" );
    CHECK( PKI_v3_mbedTLSSignatureToPkcs11Signature( NULL, aucBuffer ) == -1, "PKI v3 DER->raw rejects NULL output" );
    CHECK( PKI_v3_pkcs11SignatureTombedTLSSignature( NULL, &xDerLen ) == -1, "PKI v3 raw->DER rejects NULL buffer" );

#if ( pkcs11configPKI_UTILS_LEGACY_API == 0 )
    /* Bounded API: the lengths are enforced (each step starts from the raw
     * signature). The buffer must hold 72 bytes even when this signature's DER
     * form would be shorter (here r and s have their top bits clear: 70 bytes). */
    memset( aucBuffer, 0, sizeof( aucBuffer ) );
    for( i = 0; i < 64U; i++ )
    {
        aucSynthetic[ i ] = ( uint8_t ) ( 0x11U + i );
    }
    memcpy( aucBuffer, aucSynthetic, 64 );
    CHECK( PKI_pkcs11SignatureTombedTLSSignature( aucBuffer, 71U, &xDerLen ) == -1, "PKI bounded raw->DER rejects a 71-byte buffer" );
    CHECK( memcmp( aucBuffer, aucSynthetic, 64 ) == 0, "PKI bounded raw->DER leaves the input intact on failure" );
    memset( aucBuffer, 0, sizeof( aucBuffer ) );
    memcpy( aucBuffer, pucSignature, 64 );
    CHECK( PKI_pkcs11SignatureTombedTLSSignature( aucBuffer, 72U, NULL ) == -1, "PKI bounded raw->DER rejects NULL length" );
    CHECK( PKI_pkcs11SignatureTombedTLSSignature( NULL, 72U, &xDerLen ) == -1, "PKI bounded raw->DER rejects NULL buffer" );
    memset( aucBuffer, 0, sizeof( aucBuffer ) );
    memcpy( aucBuffer, pucSignature, 64 );
    CHECK( PKI_pkcs11SignatureTombedTLSSignature( aucBuffer, 72U, &xDerLen ) == 0, "PKI bounded raw->DER" );
    CHECK( PKI_mbedTLSSignatureToPkcs11Signature( aucRaw, 63U, aucBuffer, xDerLen ) == -1, "PKI bounded DER->raw rejects a 63-byte output" );
    CHECK( PKI_mbedTLSSignatureToPkcs11Signature( aucRaw, 64U, aucBuffer, xDerLen - 1U ) == -1, "PKI bounded DER->raw rejects truncated DER" );
    CHECK( PKI_mbedTLSSignatureToPkcs11Signature( aucRaw, 64U, aucBuffer, 0U ) == -1, "PKI bounded DER->raw rejects empty input" );
    CHECK( PKI_mbedTLSSignatureToPkcs11Signature( aucRaw, 64U, NULL, xDerLen ) == -1, "PKI bounded DER->raw rejects NULL input" );
    CHECK( PKI_mbedTLSSignatureToPkcs11Signature( NULL, 64U, aucBuffer, xDerLen ) == -1, "PKI bounded DER->raw rejects NULL output" );
    memset( aucRaw, 0, sizeof( aucRaw ) );
    CHECK( ( PKI_mbedTLSSignatureToPkcs11Signature( aucRaw, 64U, aucBuffer, xDerLen ) == 0 ) && ( memcmp( aucRaw, pucSignature, 64 ) == 0 ),
           "PKI bounded round trip" );
    /* The v3.x symbols stay available under their prefixed names. */
    memset( aucBuffer, 0, sizeof( aucBuffer ) );
    memcpy( aucBuffer, pucSignature, 64 );
    CHECK( ( PKI_v3_pkcs11SignatureTombedTLSSignature( aucBuffer, &xDerLen ) == 0 ) &&
           ( PKI_v3_mbedTLSSignatureToPkcs11Signature( aucRaw, aucBuffer ) == 0 ) &&
           ( memcmp( aucRaw, pucSignature, 64 ) == 0 ), "PKI v3 symbols round trip" );
#else
    {
        /* Legacy API: the standard names work as function pointers too. */
        int8_t ( * pxToDer )( uint8_t *, size_t * ) = PKI_pkcs11SignatureTombedTLSSignature;
        int8_t ( * pxToRaw )( uint8_t *, const uint8_t * ) = PKI_mbedTLSSignatureToPkcs11Signature;

        memset( aucBuffer, 0, sizeof( aucBuffer ) );
        memcpy( aucBuffer, pucSignature, 64 );
        CHECK( ( pxToDer( aucBuffer, &xDerLen ) == 0 ) && ( pxToRaw( aucRaw, aucBuffer ) == 0 ) &&
               ( memcmp( aucRaw, pucSignature, 64 ) == 0 ), "PKI v3 round trip through function pointers" );
    }
#endif /* if ( pkcs11configPKI_UTILS_LEGACY_API == 0 ) */
}

/*--------------------------------- Main -------------------------------------*/

int main( void )
{
    CK_RV xResult;
    CK_SESSION_HANDLE xSession = CK_INVALID_HANDLE;
    CK_FUNCTION_LIST_PTR pxFunctionList = NULL;
    CK_TOKEN_INFO xTokenInfo;
    CK_SLOT_ID * pxSlots = NULL;
    CK_SLOT_ID xSlot = 0;
    CK_ULONG ulSlotCount = 0;
    CK_ULONG ulNullMembers = 0;
    CK_ULONG ulLength = 0;
    CK_ULONG i;

    /* Objects and their templates, as the corePKCS11 provisioning code has them. */
    CK_OBJECT_HANDLE xPublicKey = CK_INVALID_HANDLE;
    CK_OBJECT_HANDLE xPrivateKey = CK_INVALID_HANDLE;
    CK_OBJECT_HANDLE xCertificate = CK_INVALID_HANDLE;
    CK_OBJECT_HANDLE xFound = CK_INVALID_HANDLE;
    CK_MECHANISM xKeyGenMechanism = { CKM_EC_KEY_PAIR_GEN, NULL_PTR, 0 };
    CK_BYTE aucEcParams[] = pkcs11DER_ENCODED_OID_P256;
    CK_KEY_TYPE xKeyType = CKK_EC;
    CK_BBOOL xTrue = CK_TRUE;
    char acPublicKeyLabel[] = pkcs11configLABEL_DEVICE_PUBLIC_KEY_FOR_TLS;
    char acPrivateKeyLabel[] = pkcs11configLABEL_DEVICE_PRIVATE_KEY_FOR_TLS;
    char acCertificateLabel[] = pkcs11configLABEL_DEVICE_CERTIFICATE_FOR_TLS;
    char acMissingLabel[] = "No Such Object";
    char acPrefixLabel[] = "Device";
    CK_OBJECT_CLASS xCertificateClass = CKO_CERTIFICATE;
    CK_CERTIFICATE_TYPE xCertificateType = CKC_X_509;
    PKCS11_CertificateTemplate_t xCertificateTemplate;

    /* Digest, signature and attribute buffers. */
    CK_MECHANISM xDigestMechanism = { CKM_SHA256, NULL_PTR, 0 };
    CK_MECHANISM xEcdsaMechanism = { CKM_ECDSA, NULL_PTR, 0 };
    CK_MECHANISM xAesMechanism = { CKM_AES_CBC, NULL_PTR, 0 };
    CK_BYTE aucMessage[] = "abc";
    CK_BYTE aucDigest[ pkcs11SHA256_DIGEST_LENGTH ];
    CK_BYTE aucSignature[ pkcs11ECDSA_P256_SIGNATURE_LENGTH ];
    CK_BYTE aucTampered[ pkcs11ECDSA_P256_SIGNATURE_LENGTH ];
    CK_BYTE aucDigestInfo[ pkcs11RSA_SIGNATURE_INPUT_LENGTH ];
    const CK_BYTE aucDigestInfoPrefix[] = pkcs11STUFF_APPENDED_TO_RSA_SIG;
    CK_BYTE aucEcPoint[ 80 ];
    CK_BYTE aucSecret[ 64 ];
    CK_BYTE aucCertificateValue[ sizeof( aucTestCertificateDer ) + 16U ];
    CK_ATTRIBUTE xAttribute;

    CK_ATTRIBUTE axPublicKeyTemplate[ 4 ];
    CK_ATTRIBUTE axPrivateKeyTemplate[ 5 ];

    axPublicKeyTemplate[ 0 ].type = CKA_KEY_TYPE;
    axPublicKeyTemplate[ 0 ].pValue = &xKeyType;
    axPublicKeyTemplate[ 0 ].ulValueLen = sizeof( xKeyType );
    axPublicKeyTemplate[ 1 ].type = CKA_VERIFY;
    axPublicKeyTemplate[ 1 ].pValue = &xTrue;
    axPublicKeyTemplate[ 1 ].ulValueLen = sizeof( xTrue );
    axPublicKeyTemplate[ 2 ].type = CKA_EC_PARAMS;
    axPublicKeyTemplate[ 2 ].pValue = aucEcParams;
    axPublicKeyTemplate[ 2 ].ulValueLen = sizeof( aucEcParams );
    axPublicKeyTemplate[ 3 ].type = CKA_LABEL;
    axPublicKeyTemplate[ 3 ].pValue = acPublicKeyLabel;
    axPublicKeyTemplate[ 3 ].ulValueLen = LABEL_LEN( acPublicKeyLabel );

    axPrivateKeyTemplate[ 0 ].type = CKA_KEY_TYPE;
    axPrivateKeyTemplate[ 0 ].pValue = &xKeyType;
    axPrivateKeyTemplate[ 0 ].ulValueLen = sizeof( xKeyType );
    axPrivateKeyTemplate[ 1 ].type = CKA_TOKEN;
    axPrivateKeyTemplate[ 1 ].pValue = &xTrue;
    axPrivateKeyTemplate[ 1 ].ulValueLen = sizeof( xTrue );
    axPrivateKeyTemplate[ 2 ].type = CKA_PRIVATE;
    axPrivateKeyTemplate[ 2 ].pValue = &xTrue;
    axPrivateKeyTemplate[ 2 ].ulValueLen = sizeof( xTrue );
    axPrivateKeyTemplate[ 3 ].type = CKA_SIGN;
    axPrivateKeyTemplate[ 3 ].pValue = &xTrue;
    axPrivateKeyTemplate[ 3 ].ulValueLen = sizeof( xTrue );
    axPrivateKeyTemplate[ 4 ].type = CKA_LABEL;
    axPrivateKeyTemplate[ 4 ].pValue = acPrivateKeyLabel;
    axPrivateKeyTemplate[ 4 ].ulValueLen = LABEL_LEN( acPrivateKeyLabel );

    xCertificateTemplate.xObjectClass.type = CKA_CLASS;
    xCertificateTemplate.xObjectClass.pValue = &xCertificateClass;
    xCertificateTemplate.xObjectClass.ulValueLen = sizeof( xCertificateClass );
    xCertificateTemplate.xSubject.type = CKA_SUBJECT;
    xCertificateTemplate.xSubject.pValue = ( CK_VOID_PTR ) aucTestCertificateSubject;
    xCertificateTemplate.xSubject.ulValueLen = sizeof( aucTestCertificateSubject );
    xCertificateTemplate.xCertificateType.type = CKA_CERTIFICATE_TYPE;
    xCertificateTemplate.xCertificateType.pValue = &xCertificateType;
    xCertificateTemplate.xCertificateType.ulValueLen = sizeof( xCertificateType );
    xCertificateTemplate.xValue.type = CKA_VALUE;
    xCertificateTemplate.xValue.pValue = ( CK_VOID_PTR ) aucTestCertificateDer;
    xCertificateTemplate.xValue.ulValueLen = sizeof( aucTestCertificateDer );
    xCertificateTemplate.xLabel.type = CKA_LABEL;
    xCertificateTemplate.xLabel.pValue = acCertificateLabel;
    xCertificateTemplate.xLabel.ulValueLen = LABEL_LEN( acCertificateLabel );
    xCertificateTemplate.xTokenObject.type = CKA_TOKEN;
    xCertificateTemplate.xTokenObject.pValue = &xTrue;
    xCertificateTemplate.xTokenObject.ulValueLen = sizeof( xTrue );

    printf( "core-pkcs11 drop-in test (PKI helper API: %s)\n",
            ( pkcs11configPKI_UTILS_LEGACY_API != 0 ) ? "released v3.x form" : "bounded form" );

    /* ---- Token and session, the FreeRTOS way ---- */
    prvCheckRv( xInitializePkcs11Token(), CKR_OK, "xInitializePkcs11Token" );
    prvCheckRv( xInitializePkcs11Session( &xSession ), CKR_OK, "xInitializePkcs11Session (logs in with the default PIN)" );
    CHECK( xSession != CK_INVALID_HANDLE, "session handle is valid" );

    prvCheckRv( C_GetFunctionList( &pxFunctionList ), CKR_OK, "C_GetFunctionList" );

    if( pxFunctionList == NULL )
    {
        CHECK( pxFunctionList != NULL, "function list pointer" );
        return prvFinish();
    }

    CHECK( ( pxFunctionList->version.major == 2U ) && ( pxFunctionList->version.minor == 40U ), "function list version is 2.40" );

    /* Unlike the reference, no member is NULL (unsupported ones say so). */
#define CK_PKCS11_FUNCTION_INFO( name )                \
    if( pxFunctionList->name == NULL )                 \
    {                                                  \
        ulNullMembers++;                               \
        printf( "  NULL function list member: %s\n", # name ); \
    }
    #include "pkcs11f.h"
#undef CK_PKCS11_FUNCTION_INFO
    CHECK( ulNullMembers == 0UL, "all 68 function list members are set" );

    /* Every C_* entry point is also exported under its own name (this part of
     * the test only links if all 68 are). */
    {
        static CK_FUNCTION_LIST xDirect;
        CK_FUNCTION_LIST * volatile pxDirect = &xDirect;
        CK_ULONG ulLinked = 0;

#define CK_PKCS11_FUNCTION_INFO( name )    xDirect.name = name;
        #include "pkcs11f.h"
#undef CK_PKCS11_FUNCTION_INFO
#define CK_PKCS11_FUNCTION_INFO( name )    if( pxDirect->name != NULL ) { ulLinked++; }
        #include "pkcs11f.h"
#undef CK_PKCS11_FUNCTION_INFO
        CHECK( ulLinked == 68UL, "all 68 C_* functions are exported" );
    }

    if( ulNullMembers != 0UL )
    {
        return prvFinish();
    }

    /* ---- Slot list allocated for the caller (the slot ID is not necessarily 0) ---- */
    prvCheckRv( xGetSlotList( &pxSlots, &ulSlotCount ), CKR_OK, "xGetSlotList" );
    CHECK( ( pxSlots != NULL ) && ( ulSlotCount >= 1UL ), "at least one slot" );

    if( ( pxSlots != NULL ) && ( ulSlotCount >= 1UL ) )
    {
        xSlot = pxSlots[ 0 ];
    }

    free( pxSlots );

    /* ---- Token information reflects the configuration ---- */
    memset( &xTokenInfo, 0, sizeof( xTokenInfo ) );
    prvCheckRv( pxFunctionList->C_GetTokenInfo( xSlot, &xTokenInfo ), CKR_OK, "C_GetTokenInfo" );
    CHECK( ( xTokenInfo.flags & CKF_TOKEN_INITIALIZED ) != 0UL, "token is initialized" );
    CHECK( xTokenInfo.ulMaxPinLen == ( CK_ULONG ) pkcs11configMAX_PIN_LENGTH, "ulMaxPinLen is pkcs11configMAX_PIN_LENGTH" );
    CHECK( xTokenInfo.ulMinPinLen == ( CK_ULONG ) pkcs11configMIN_PIN_LENGTH, "ulMinPinLen is pkcs11configMIN_PIN_LENGTH" );

    /* pkcs11configMAX_SESSIONS (8 in this test's configuration) sessions at most. */
    {
        CK_SESSION_HANDLE axExtra[ 20 ];
        CK_ULONG ulOpened = 0;
        CK_RV xLast = CKR_OK;

        while( ulOpened < 20UL )
        {
            xLast = pxFunctionList->C_OpenSession( xSlot, CKF_SERIAL_SESSION | CKF_RW_SESSION, NULL_PTR, NULL_PTR, &axExtra[ ulOpened ] );

            if( xLast != CKR_OK )
            {
                break;
            }

            ulOpened++;
        }

        CHECK( ulOpened + 1UL == ( CK_ULONG ) pkcs11configMAX_SESSIONS, "exactly pkcs11configMAX_SESSIONS sessions can be open" );
        prvCheckRv( xLast, CKR_SESSION_COUNT, "one session more is refused with CKR_SESSION_COUNT" );

        for( i = 0; i < ulOpened; i++ )
        {
            ( void ) pxFunctionList->C_CloseSession( axExtra[ i ] );
        }
    }

    /* ---- Provisioning: EC key pair and certificate ---- */
    xResult = pxFunctionList->C_GenerateKeyPair( xSession, &xKeyGenMechanism,
                                                 axPublicKeyTemplate, sizeof( axPublicKeyTemplate ) / sizeof( CK_ATTRIBUTE ),
                                                 axPrivateKeyTemplate, sizeof( axPrivateKeyTemplate ) / sizeof( CK_ATTRIBUTE ),
                                                 &xPublicKey, &xPrivateKey );
    prvCheckRv( xResult, CKR_OK, "C_GenerateKeyPair CKM_EC_KEY_PAIR_GEN P-256" );
    CHECK( ( xPublicKey != CK_INVALID_HANDLE ) && ( xPrivateKey != CK_INVALID_HANDLE ) && ( xPublicKey != xPrivateKey ),
           "key pair handles are valid and distinct" );

    xResult = pxFunctionList->C_CreateObject( xSession, ( CK_ATTRIBUTE_PTR ) &xCertificateTemplate,
                                              sizeof( xCertificateTemplate ) / sizeof( CK_ATTRIBUTE ), &xCertificate );
    prvCheckRv( xResult, CKR_OK, "C_CreateObject X.509 certificate (PKCS11_CertificateTemplate_t)" );
    CHECK( xCertificate != CK_INVALID_HANDLE, "certificate handle is valid" );

    /* ---- Finding objects by label and class ---- */
    xFound = CK_INVALID_HANDLE;
    prvCheckRv( xFindObjectWithLabelAndClass( xSession, acPrivateKeyLabel, LABEL_LEN( acPrivateKeyLabel ), CKO_PRIVATE_KEY, &xFound ),
                CKR_OK, "xFindObjectWithLabelAndClass private key" );
    CHECK( xFound == xPrivateKey, "found the generated private key" );

    xFound = CK_INVALID_HANDLE;
    prvCheckRv( xFindObjectWithLabelAndClass( xSession, acPublicKeyLabel, LABEL_LEN( acPublicKeyLabel ), CKO_PUBLIC_KEY, &xFound ),
                CKR_OK, "xFindObjectWithLabelAndClass public key" );
    CHECK( xFound == xPublicKey, "found the generated public key" );

    xFound = CK_INVALID_HANDLE;
    prvCheckRv( xFindObjectWithLabelAndClass( xSession, acCertificateLabel, LABEL_LEN( acCertificateLabel ), CKO_CERTIFICATE, &xFound ),
                CKR_OK, "xFindObjectWithLabelAndClass certificate" );
    CHECK( xFound == xCertificate, "found the imported certificate" );

    xFound = ( CK_OBJECT_HANDLE ) 12345;
    prvCheckRv( xFindObjectWithLabelAndClass( xSession, acMissingLabel, LABEL_LEN( acMissingLabel ), CKO_CERTIFICATE, &xFound ),
                CKR_OK, "xFindObjectWithLabelAndClass missing label returns CKR_OK" );
    CHECK( xFound == CK_INVALID_HANDLE, "missing label gives CK_INVALID_HANDLE" );

    xFound = ( CK_OBJECT_HANDLE ) 12345;
    ( void ) xFindObjectWithLabelAndClass( xSession, acPrivateKeyLabel, LABEL_LEN( acPrivateKeyLabel ), CKO_CERTIFICATE, &xFound );
    CHECK( xFound == CK_INVALID_HANDLE, "label with the wrong class is not found" );

    xFound = ( CK_OBJECT_HANDLE ) 12345;
    ( void ) xFindObjectWithLabelAndClass( xSession, acPrefixLabel, LABEL_LEN( acPrefixLabel ), CKO_PRIVATE_KEY, &xFound );
    CHECK( xFound == CK_INVALID_HANDLE, "a label prefix does not match" );

    /* The certificate reads back unchanged. */
    xAttribute.type = CKA_VALUE;
    xAttribute.pValue = NULL_PTR;
    xAttribute.ulValueLen = 0;
    prvCheckRv( pxFunctionList->C_GetAttributeValue( xSession, xCertificate, &xAttribute, 1 ), CKR_OK, "C_GetAttributeValue certificate CKA_VALUE length" );
    CHECK( xAttribute.ulValueLen == sizeof( aucTestCertificateDer ), "certificate length is the DER length" );
    xAttribute.pValue = aucCertificateValue;
    xAttribute.ulValueLen = sizeof( aucCertificateValue );
    prvCheckRv( pxFunctionList->C_GetAttributeValue( xSession, xCertificate, &xAttribute, 1 ), CKR_OK, "C_GetAttributeValue certificate CKA_VALUE" );
    CHECK( ( xAttribute.ulValueLen == sizeof( aucTestCertificateDer ) ) &&
           ( memcmp( aucCertificateValue, aucTestCertificateDer, sizeof( aucTestCertificateDer ) ) == 0 ),
           "certificate value is the imported DER" );

    /* ---- SHA-256 ---- */
    prvCheckRv( pxFunctionList->C_DigestInit( xSession, &xDigestMechanism ), CKR_OK, "C_DigestInit CKM_SHA256" );
    ulLength = 0;
    prvCheckRv( pxFunctionList->C_Digest( xSession, aucMessage, 3, NULL_PTR, &ulLength ), CKR_OK, "C_Digest length query" );
    CHECK( ulLength == pkcs11SHA256_DIGEST_LENGTH, "digest length is 32" );
    ulLength = sizeof( aucDigest );
    memset( aucDigest, 0, sizeof( aucDigest ) );
    prvCheckRv( pxFunctionList->C_Digest( xSession, aucMessage, 3, aucDigest, &ulLength ), CKR_OK, "C_Digest \"abc\"" );
    CHECK( ( ulLength == pkcs11SHA256_DIGEST_LENGTH ) && ( memcmp( aucDigest, aucAbcDigest, sizeof( aucAbcDigest ) ) == 0 ),
           "SHA-256(\"abc\") = ba7816bf...f20015ad" );

    /* ---- ECDSA P-256 sign and verify ---- */
    prvCheckRv( pxFunctionList->C_SignInit( xSession, &xEcdsaMechanism, xPrivateKey ), CKR_OK, "C_SignInit CKM_ECDSA" );
    ulLength = 0;
    prvCheckRv( pxFunctionList->C_Sign( xSession, aucDigest, sizeof( aucDigest ), NULL_PTR, &ulLength ), CKR_OK, "C_Sign length query" );
    CHECK( ulLength == pkcs11ECDSA_P256_SIGNATURE_LENGTH, "signature length is 64" );
    ulLength = sizeof( aucSignature );
    memset( aucSignature, 0, sizeof( aucSignature ) );
    prvCheckRv( pxFunctionList->C_Sign( xSession, aucDigest, sizeof( aucDigest ), aucSignature, &ulLength ), CKR_OK, "C_Sign" );
    CHECK( ulLength == pkcs11ECDSA_P256_SIGNATURE_LENGTH, "signature is 64 bytes (r || s)" );

    prvCheckRv( pxFunctionList->C_VerifyInit( xSession, &xEcdsaMechanism, xPublicKey ), CKR_OK, "C_VerifyInit CKM_ECDSA" );
    prvCheckRv( pxFunctionList->C_Verify( xSession, aucDigest, sizeof( aucDigest ), aucSignature, sizeof( aucSignature ) ),
                CKR_OK, "C_Verify accepts the signature" );

    memcpy( aucTampered, aucSignature, sizeof( aucTampered ) );
    aucTampered[ 10 ] ^= 0x01U;
    prvCheckRv( pxFunctionList->C_VerifyInit( xSession, &xEcdsaMechanism, xPublicKey ), CKR_OK, "C_VerifyInit again" );
    prvCheckRv( pxFunctionList->C_Verify( xSession, aucDigest, sizeof( aucDigest ), aucTampered, sizeof( aucTampered ) ),
                CKR_SIGNATURE_INVALID, "C_Verify rejects a flipped bit" );

    /* ---- PKI helpers ---- */
    prvTestPkiUtils( aucSignature );

    /* ---- DigestInfo for RSA ---- */
    memset( aucDigestInfo, 0, sizeof( aucDigestInfo ) );
    prvCheckRv( vAppendSHA256AlgorithmIdentifierSequence( aucDigest, aucDigestInfo ), CKR_OK, "vAppendSHA256AlgorithmIdentifierSequence" );
    CHECK( ( memcmp( aucDigestInfo, aucDigestInfoPrefix, sizeof( aucDigestInfoPrefix ) ) == 0 ) &&
           ( memcmp( &aucDigestInfo[ sizeof( aucDigestInfoPrefix ) ], aucDigest, sizeof( aucDigest ) ) == 0 ),
           "DigestInfo is the 19-byte prefix followed by the hash" );
    prvCheckRv( vAppendSHA256AlgorithmIdentifierSequence( NULL, aucDigestInfo ), CKR_ARGUMENTS_BAD, "vAppendSHA256AlgorithmIdentifierSequence NULL input" );
    prvCheckRv( vAppendSHA256AlgorithmIdentifierSequence( aucDigest, NULL ), CKR_ARGUMENTS_BAD, "vAppendSHA256AlgorithmIdentifierSequence NULL output" );

    /* ---- Public point: DER OCTET STRING 04 41 04 || X || Y ---- */
    xAttribute.type = CKA_EC_POINT;
    xAttribute.pValue = NULL_PTR;
    xAttribute.ulValueLen = 0;
    prvCheckRv( pxFunctionList->C_GetAttributeValue( xSession, xPublicKey, &xAttribute, 1 ), CKR_OK, "C_GetAttributeValue CKA_EC_POINT length" );
    CHECK( xAttribute.ulValueLen == 67UL, "CKA_EC_POINT is 67 bytes" );
    memset( aucEcPoint, 0, sizeof( aucEcPoint ) );
    xAttribute.pValue = aucEcPoint;
    xAttribute.ulValueLen = sizeof( aucEcPoint );
    prvCheckRv( pxFunctionList->C_GetAttributeValue( xSession, xPublicKey, &xAttribute, 1 ), CKR_OK, "C_GetAttributeValue CKA_EC_POINT" );
    CHECK( ( xAttribute.ulValueLen == 67UL ) && ( aucEcPoint[ 0 ] == 0x04U ) && ( aucEcPoint[ 1 ] == 0x41U ) && ( aucEcPoint[ 2 ] == 0x04U ),
           "CKA_EC_POINT starts 04 41 04" );

    /* ---- The private value never leaves the token ---- */
    xAttribute.type = CKA_VALUE;
    xAttribute.pValue = aucSecret;
    xAttribute.ulValueLen = sizeof( aucSecret );
    prvCheckRv( pxFunctionList->C_GetAttributeValue( xSession, xPrivateKey, &xAttribute, 1 ), CKR_ATTRIBUTE_SENSITIVE,
                "C_GetAttributeValue private CKA_VALUE is CKR_ATTRIBUTE_SENSITIVE" );
    CHECK( xAttribute.ulValueLen == CK_UNAVAILABLE_INFORMATION, "sensitive attribute length is CK_UNAVAILABLE_INFORMATION" );

    /* ---- Unsupported functions answer instead of crashing ---- */
    prvCheckRv( pxFunctionList->C_EncryptInit( xSession, &xAesMechanism, xPublicKey ), CKR_FUNCTION_NOT_SUPPORTED,
                "C_EncryptInit is CKR_FUNCTION_NOT_SUPPORTED" );

    /* ---- Shutdown and re-initialization ---- */
    prvCheckRv( pxFunctionList->C_CloseSession( xSession ), CKR_OK, "C_CloseSession" );
    prvCheckRv( pxFunctionList->C_Finalize( NULL_PTR ), CKR_OK, "C_Finalize" );
    {
        CK_SESSION_HANDLE xAfter = CK_INVALID_HANDLE;
        prvCheckRv( pxFunctionList->C_OpenSession( xSlot, CKF_SERIAL_SESSION, NULL_PTR, NULL_PTR, &xAfter ),
                    CKR_CRYPTOKI_NOT_INITIALIZED, "C_OpenSession after C_Finalize is CKR_CRYPTOKI_NOT_INITIALIZED" );
    }
    prvCheckRv( xInitializePKCS11(), CKR_OK, "xInitializePKCS11 after C_Finalize" );
    prvCheckRv( xInitializePKCS11(), CKR_CRYPTOKI_ALREADY_INITIALIZED, "xInitializePKCS11 twice is CKR_CRYPTOKI_ALREADY_INITIALIZED" );
    prvCheckRv( pxFunctionList->C_Finalize( NULL_PTR ), CKR_OK, "C_Finalize again" );

    return prvFinish();
}
