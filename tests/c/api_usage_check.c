/*
 * core-pkcs11: compile-only API usage check.
 *
 * SPDX-License-Identifier: MIT
 * Copyright (c) the core-pkcs11 authors.
 *
 * Uses every corePKCS11 wrapper, both PKI helper forms, the PAL interface and
 * every member of CK_FUNCTION_LIST with arguments of the declared types, and
 * checks that each C_* prototype has the type of its CK_C_* pointer. It is only
 * compiled (never linked or run): a header change that breaks existing callers
 * fails here. Builds as C99/C11 and as C++.
 */

#include <stdlib.h>

#include "core_pkcs11_config.h"
#include "core_pkcs11_config_defaults.h"
#include "core_pkcs11.h"
#include "core_pki_utils.h"
#include "core_pkcs11_pal.h"

/* Each C_* function must convert to its CK_C_* pointer type without a cast. */
#define CK_PKCS11_FUNCTION_INFO( name )    pxList->name = name;
static void prvAssignPrototypes( CK_FUNCTION_LIST * pxList )
{
    #include "pkcs11f.h"
}
#undef CK_PKCS11_FUNCTION_INFO

CK_RV xUseEveryFunctionListMember( CK_FUNCTION_LIST_PTR pxList );
CK_RV xUseEveryFunctionListMember( CK_FUNCTION_LIST_PTR pxList )
{
    CK_RV xResult = CKR_OK;
    CK_INFO xInfo;
    CK_FUNCTION_LIST_PTR pxList2 = NULL_PTR;
    CK_SLOT_ID axSlots[ 2 ];
    CK_SLOT_ID xSlot = 0;
    CK_ULONG ulLen = 0;
    CK_ULONG ulCount = 1;
    CK_SLOT_INFO xSlotInfo;
    CK_TOKEN_INFO xTokenInfo;
    CK_MECHANISM_TYPE axMechs[ 4 ];
    CK_MECHANISM_INFO xMechInfo;
    CK_UTF8CHAR aucPin[] = pkcs11configPKCS11_DEFAULT_USER_PIN;
    CK_SESSION_HANDLE xSession = CK_INVALID_HANDLE;
    CK_SESSION_INFO xSessionInfo;
    CK_BYTE aucBuf[ 64 ] = { 0 };
    CK_OBJECT_HANDLE xObject = CK_INVALID_HANDLE;
    CK_OBJECT_CLASS xClass = CKO_CERTIFICATE;
    CK_ATTRIBUTE axTemplate[ 1 ];
    CK_MECHANISM xMechanism = { CKM_SHA256, NULL_PTR, 0 };
    CK_C_INITIALIZE_ARGS xInitArgs = { NULL_PTR, NULL_PTR, NULL_PTR, NULL_PTR, CKF_OS_LOCKING_OK, NULL_PTR };

    axTemplate[ 0 ].type = CKA_CLASS;
    axTemplate[ 0 ].pValue = &xClass;
    axTemplate[ 0 ].ulValueLen = sizeof( xClass );

    xResult |= pxList->C_Initialize( &xInitArgs );
    xResult |= pxList->C_Initialize( NULL_PTR );
    xResult |= pxList->C_Finalize( NULL_PTR );
    xResult |= pxList->C_GetInfo( &xInfo );
    xResult |= pxList->C_GetFunctionList( &pxList2 );
    xResult |= pxList->C_GetSlotList( CK_TRUE, axSlots, &ulLen );
    xResult |= pxList->C_GetSlotInfo( xSlot, &xSlotInfo );
    xResult |= pxList->C_GetTokenInfo( xSlot, &xTokenInfo );
    xResult |= pxList->C_GetMechanismList( xSlot, axMechs, &ulLen );
    xResult |= pxList->C_GetMechanismInfo( xSlot, CKM_SHA256, &xMechInfo );
    xResult |= pxList->C_InitToken( xSlot, aucPin, ulCount, aucPin );
    xResult |= pxList->C_InitPIN( xSession, aucPin, ulCount );
    xResult |= pxList->C_SetPIN( xSession, aucPin, ulCount, aucPin, ulCount );
    xResult |= pxList->C_OpenSession( xSlot, CKF_SERIAL_SESSION, NULL_PTR, NULL_PTR, &xSession );
    xResult |= pxList->C_CloseSession( xSession );
    xResult |= pxList->C_CloseAllSessions( xSlot );
    xResult |= pxList->C_GetSessionInfo( xSession, &xSessionInfo );
    xResult |= pxList->C_GetOperationState( xSession, aucBuf, &ulLen );
    xResult |= pxList->C_SetOperationState( xSession, aucBuf, ulCount, xObject, xObject );
    xResult |= pxList->C_Login( xSession, CKU_USER, aucPin, ulCount );
    xResult |= pxList->C_Logout( xSession );
    xResult |= pxList->C_CreateObject( xSession, axTemplate, ulCount, &xObject );
    xResult |= pxList->C_CopyObject( xSession, xObject, axTemplate, ulCount, &xObject );
    xResult |= pxList->C_DestroyObject( xSession, xObject );
    xResult |= pxList->C_GetObjectSize( xSession, xObject, &ulLen );
    xResult |= pxList->C_GetAttributeValue( xSession, xObject, axTemplate, ulCount );
    xResult |= pxList->C_SetAttributeValue( xSession, xObject, axTemplate, ulCount );
    xResult |= pxList->C_FindObjectsInit( xSession, axTemplate, ulCount );
    xResult |= pxList->C_FindObjects( xSession, &xObject, ulCount, &ulLen );
    xResult |= pxList->C_FindObjectsFinal( xSession );
    xResult |= pxList->C_EncryptInit( xSession, &xMechanism, xObject );
    xResult |= pxList->C_Encrypt( xSession, aucBuf, ulCount, aucBuf, &ulLen );
    xResult |= pxList->C_EncryptUpdate( xSession, aucBuf, ulCount, aucBuf, &ulLen );
    xResult |= pxList->C_EncryptFinal( xSession, aucBuf, &ulLen );
    xResult |= pxList->C_DecryptInit( xSession, &xMechanism, xObject );
    xResult |= pxList->C_Decrypt( xSession, aucBuf, ulCount, aucBuf, &ulLen );
    xResult |= pxList->C_DecryptUpdate( xSession, aucBuf, ulCount, aucBuf, &ulLen );
    xResult |= pxList->C_DecryptFinal( xSession, aucBuf, &ulLen );
    xResult |= pxList->C_DigestInit( xSession, &xMechanism );
    xResult |= pxList->C_Digest( xSession, aucBuf, ulCount, aucBuf, &ulLen );
    xResult |= pxList->C_DigestUpdate( xSession, aucBuf, ulCount );
    xResult |= pxList->C_DigestKey( xSession, xObject );
    xResult |= pxList->C_DigestFinal( xSession, aucBuf, &ulLen );
    xResult |= pxList->C_SignInit( xSession, &xMechanism, xObject );
    xResult |= pxList->C_Sign( xSession, aucBuf, ulCount, aucBuf, &ulLen );
    xResult |= pxList->C_SignUpdate( xSession, aucBuf, ulCount );
    xResult |= pxList->C_SignFinal( xSession, aucBuf, &ulLen );
    xResult |= pxList->C_SignRecoverInit( xSession, &xMechanism, xObject );
    xResult |= pxList->C_SignRecover( xSession, aucBuf, ulCount, aucBuf, &ulLen );
    xResult |= pxList->C_VerifyInit( xSession, &xMechanism, xObject );
    xResult |= pxList->C_Verify( xSession, aucBuf, ulCount, aucBuf, ulCount );
    xResult |= pxList->C_VerifyUpdate( xSession, aucBuf, ulCount );
    xResult |= pxList->C_VerifyFinal( xSession, aucBuf, ulCount );
    xResult |= pxList->C_VerifyRecoverInit( xSession, &xMechanism, xObject );
    xResult |= pxList->C_VerifyRecover( xSession, aucBuf, ulCount, aucBuf, &ulLen );
    xResult |= pxList->C_DigestEncryptUpdate( xSession, aucBuf, ulCount, aucBuf, &ulLen );
    xResult |= pxList->C_DecryptDigestUpdate( xSession, aucBuf, ulCount, aucBuf, &ulLen );
    xResult |= pxList->C_SignEncryptUpdate( xSession, aucBuf, ulCount, aucBuf, &ulLen );
    xResult |= pxList->C_DecryptVerifyUpdate( xSession, aucBuf, ulCount, aucBuf, &ulLen );
    xResult |= pxList->C_GenerateKey( xSession, &xMechanism, axTemplate, ulCount, &xObject );
    xResult |= pxList->C_GenerateKeyPair( xSession, &xMechanism, axTemplate, ulCount, axTemplate, ulCount, &xObject, &xObject );
    xResult |= pxList->C_WrapKey( xSession, &xMechanism, xObject, xObject, aucBuf, &ulLen );
    xResult |= pxList->C_UnwrapKey( xSession, &xMechanism, xObject, aucBuf, ulCount, axTemplate, ulCount, &xObject );
    xResult |= pxList->C_DeriveKey( xSession, &xMechanism, xObject, axTemplate, ulCount, &xObject );
    xResult |= pxList->C_SeedRandom( xSession, aucBuf, ulCount );
    xResult |= pxList->C_GenerateRandom( xSession, aucBuf, ulCount );
    xResult |= pxList->C_GetFunctionStatus( xSession );
    xResult |= pxList->C_CancelFunction( xSession );
    xResult |= pxList->C_WaitForSlotEvent( CKF_SERIAL_SESSION, axSlots, NULL_PTR );

    ( void ) pxList->version.major;
    ( void ) pxList->version.minor;
    ( void ) pxList2;
    prvAssignPrototypes( pxList );

    return xResult;
}

CK_RV xUseEveryWrapper( void );
CK_RV xUseEveryWrapper( void )
{
    CK_RV xResult;
    CK_SLOT_ID * pxSlots = NULL;
    CK_ULONG ulSlotCount = 0;
    CK_SESSION_HANDLE xSession = CK_INVALID_HANDLE;
    CK_OBJECT_HANDLE xHandle = CK_INVALID_HANDLE;
    char acLabel[] = pkcs11configLABEL_DEVICE_PRIVATE_KEY_FOR_TLS;
    uint8_t aucHash[ pkcs11SHA256_DIGEST_LENGTH ] = { 0 };
    uint8_t aucDigestInfo[ pkcs11RSA_SIGNATURE_INPUT_LENGTH ];
    const uint8_t aucPrefix[] = pkcs11STUFF_APPENDED_TO_RSA_SIG;
    const uint8_t aucOid[] = pkcs11DER_ENCODED_OID_P256;
    const uint8_t aucExponent[] = pkcs11RSA_PUBLIC_EXPONENT;
    PKCS11_CertificateTemplate_t xCertTemplate;

    xResult = xInitializePKCS11();
    xResult |= xGetSlotList( &pxSlots, &ulSlotCount );
    pkcs11configPKCS11_FREE( pxSlots );
    xResult |= xInitializePkcs11Token();
    xResult |= xInitializePkcs11Session( &xSession );
    xResult |= xFindObjectWithLabelAndClass( xSession, acLabel, sizeof( acLabel ) - 1UL, CKO_PRIVATE_KEY, &xHandle );
    xResult |= vAppendSHA256AlgorithmIdentifierSequence( aucHash, aucDigestInfo );

    xCertTemplate.xObjectClass.type = CKA_CLASS;
    xCertTemplate.xSubject.type = CKA_SUBJECT;
    xCertTemplate.xCertificateType.type = CKA_CERTIFICATE_TYPE;
    xCertTemplate.xValue.type = CKA_VALUE;
    xCertTemplate.xLabel.type = CKA_LABEL;
    xCertTemplate.xTokenObject.type = CKA_TOKEN;
    ( void ) xCertTemplate;
    ( void ) aucPrefix;
    ( void ) aucOid;
    ( void ) aucExponent;

    return xResult + pkcs11ECDSA_P256_SIGNATURE_LENGTH + pkcs11ECDSA_P256_KEY_BITS +
           pkcs11RSA_2048_SIGNATURE_LENGTH + pkcs11AES_CMAC_SIGNATURE_LENGTH +
           pkcs11MAX_LABEL_LENGTH + ( CK_RV ) sizeof( pkcs11ELLIPTIC_CURVE_NISTP256 ) +
           ( CK_RV ) pkcs11configIMPORT_PRIVATE_KEYS_SUPPORTED;
}

int xUsePkiHelpers( void );
int xUsePkiHelpers( void )
{
    uint8_t aucSig[ 72 ] = { 0 };
    uint8_t aucRaw[ 64 ];
    size_t xLen = 0;
    int xResult = 0;

    /* The v3.x names are declared in both configurations. */
    xResult += PKI_v3_pkcs11SignatureTombedTLSSignature( aucSig, &xLen );
    xResult += PKI_v3_mbedTLSSignatureToPkcs11Signature( aucRaw, aucSig );

#if ( pkcs11configPKI_UTILS_LEGACY_API != 0 )
    {
        /* Function pointers of the standard names have the v3.x types. */
        int8_t ( * pxToDer )( uint8_t *, size_t * ) = PKI_pkcs11SignatureTombedTLSSignature;
        int8_t ( * pxToRaw )( uint8_t *, const uint8_t * ) = PKI_mbedTLSSignatureToPkcs11Signature;
        xResult += pxToDer( aucSig, &xLen );
        xResult += pxToRaw( aucRaw, aucSig );
    }
#else
    {
        int8_t ( * pxToDer )( uint8_t *, size_t, size_t * ) = PKI_pkcs11SignatureTombedTLSSignature;
        int8_t ( * pxToRaw )( uint8_t *, size_t, const uint8_t *, size_t ) = PKI_mbedTLSSignatureToPkcs11Signature;
        xResult += pxToDer( aucSig, sizeof( aucSig ), &xLen );
        xResult += pxToRaw( aucRaw, sizeof( aucRaw ), aucSig, xLen );
    }
#endif

    return xResult;
}

CK_RV xUsePal( void );
CK_RV xUsePal( void )
{
    CK_RV xResult;
    CK_BYTE aucLabel[] = pkcs11configLABEL_ROOT_CERTIFICATE;
    CK_ATTRIBUTE xLabel;
    CK_BYTE aucData[ 4 ] = { 1, 2, 3, 4 };
    CK_BYTE_PTR pucValue = NULL_PTR;
    CK_ULONG ulValueLen = 0;
    CK_BBOOL xIsPrivate = CK_FALSE;
    CK_OBJECT_HANDLE xHandle;

    xLabel.type = CKA_LABEL;
    xLabel.pValue = aucLabel;
    xLabel.ulValueLen = sizeof( aucLabel ) - 1UL;

    xResult = PKCS11_PAL_Initialize();
    xHandle = PKCS11_PAL_SaveObject( &xLabel, aucData, sizeof( aucData ) );
    xHandle = PKCS11_PAL_FindObject( aucLabel, sizeof( aucLabel ) - 1UL );
    xResult |= PKCS11_PAL_GetObjectValue( xHandle, &pucValue, &ulValueLen, &xIsPrivate );
    PKCS11_PAL_GetObjectValueCleanup( pucValue, ulValueLen );
    xResult |= PKCS11_PAL_DestroyObject( xHandle );

    return xResult;
}
