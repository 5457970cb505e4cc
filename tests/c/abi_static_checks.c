/*
 * core-pkcs11: compile-time ABI checks of the public headers.
 *
 * SPDX-License-Identifier: MIT
 * Copyright (c) the core-pkcs11 authors.
 *
 * Compile-only (C11): checks structure sizes and member offsets against the
 * layout the PKCS #11 ABI prescribes (natural alignment, or 1-byte packing on
 * Windows), the order of the 68 CK_FUNCTION_LIST members, and a few constants
 * the Rust side relies on. Nothing here runs.
 */

#include <stddef.h>

#include "core_pkcs11.h"
#include "core_pki_utils.h"

#if !defined( __STDC_VERSION__ ) || ( __STDC_VERSION__ < 201112L )
    #error "abi_static_checks.c needs C11 (_Static_assert, _Alignof)"
#endif

#define CHECK( expr )    _Static_assert( expr, #expr )

/* Alignment used by the PKCS #11 structures on this platform. */
#ifdef _WIN32
    #define ALIGN_OF( type )    1u
#else
    #define ALIGN_OF( type )    _Alignof( type )
#endif

#define ALIGN_UP( n, a )    ( ( ( ( n ) + ( a ) - 1u ) / ( a ) ) * ( a ) )

#define ULONG_SZ    sizeof( CK_ULONG )
#define ULONG_AL    ALIGN_OF( CK_ULONG )
#define PTR_SZ      sizeof( void * )
#define PTR_AL      ALIGN_OF( void * )
#define FPTR_SZ     sizeof( CK_C_Initialize )
#define FPTR_AL     ALIGN_OF( CK_C_Initialize )

/* ---- Scalars ---- */
CHECK( sizeof( CK_BYTE ) == 1 );
CHECK( sizeof( CK_BBOOL ) == 1 );
CHECK( sizeof( CK_UTF8CHAR ) == 1 );
CHECK( sizeof( CK_ULONG ) == sizeof( unsigned long ) );
CHECK( sizeof( CK_LONG ) == sizeof( CK_ULONG ) );
CHECK( sizeof( CK_RV ) == sizeof( CK_ULONG ) );
CHECK( sizeof( CK_SESSION_HANDLE ) == sizeof( CK_ULONG ) );
CHECK( sizeof( CK_OBJECT_HANDLE ) == sizeof( CK_ULONG ) );

/* ---- CK_VERSION, CK_INFO ---- */
CHECK( sizeof( CK_VERSION ) == 2 );
CHECK( offsetof( CK_VERSION, minor ) == 1 );
CHECK( offsetof( CK_INFO, manufacturerID ) == 2 );
CHECK( offsetof( CK_INFO, flags ) == ALIGN_UP( 34u, ULONG_AL ) );
CHECK( offsetof( CK_INFO, libraryDescription ) == ALIGN_UP( 34u, ULONG_AL ) + ULONG_SZ );
CHECK( offsetof( CK_INFO, libraryVersion ) == ALIGN_UP( 34u, ULONG_AL ) + ULONG_SZ + 32u );
CHECK( sizeof( CK_INFO ) == ALIGN_UP( ALIGN_UP( 34u, ULONG_AL ) + ULONG_SZ + 34u, ULONG_AL ) );

/* ---- CK_SLOT_INFO ---- */
CHECK( offsetof( CK_SLOT_INFO, manufacturerID ) == 64 );
CHECK( offsetof( CK_SLOT_INFO, flags ) == 96 );
CHECK( offsetof( CK_SLOT_INFO, hardwareVersion ) == 96 + ULONG_SZ );
CHECK( offsetof( CK_SLOT_INFO, firmwareVersion ) == 96 + ULONG_SZ + 2 );
CHECK( sizeof( CK_SLOT_INFO ) == ALIGN_UP( 96 + ULONG_SZ + 4u, ULONG_AL ) );

/* ---- CK_TOKEN_INFO ---- */
CHECK( offsetof( CK_TOKEN_INFO, manufacturerID ) == 32 );
CHECK( offsetof( CK_TOKEN_INFO, model ) == 64 );
CHECK( offsetof( CK_TOKEN_INFO, serialNumber ) == 80 );
CHECK( offsetof( CK_TOKEN_INFO, flags ) == 96 );
CHECK( offsetof( CK_TOKEN_INFO, ulMaxSessionCount ) == 96 + 1 * ULONG_SZ );
CHECK( offsetof( CK_TOKEN_INFO, ulMaxPinLen ) == 96 + 5 * ULONG_SZ );
CHECK( offsetof( CK_TOKEN_INFO, ulMinPinLen ) == 96 + 6 * ULONG_SZ );
CHECK( offsetof( CK_TOKEN_INFO, ulFreePrivateMemory ) == 96 + 10 * ULONG_SZ );
CHECK( offsetof( CK_TOKEN_INFO, hardwareVersion ) == 96 + 11 * ULONG_SZ );
CHECK( offsetof( CK_TOKEN_INFO, firmwareVersion ) == 96 + 11 * ULONG_SZ + 2 );
CHECK( offsetof( CK_TOKEN_INFO, utcTime ) == 96 + 11 * ULONG_SZ + 4 );
CHECK( sizeof( CK_TOKEN_INFO ) == ALIGN_UP( 96 + 11 * ULONG_SZ + 20u, ULONG_AL ) );

/* ---- CK_SESSION_INFO, CK_MECHANISM_INFO ---- */
CHECK( sizeof( CK_SESSION_INFO ) == 4 * ULONG_SZ );
CHECK( offsetof( CK_SESSION_INFO, ulDeviceError ) == 3 * ULONG_SZ );
CHECK( sizeof( CK_MECHANISM_INFO ) == 3 * ULONG_SZ );
CHECK( offsetof( CK_MECHANISM_INFO, flags ) == 2 * ULONG_SZ );

/* ---- CK_ATTRIBUTE, CK_MECHANISM (ulong, pointer, ulong) ---- */
CHECK( offsetof( CK_ATTRIBUTE, type ) == 0 );
CHECK( offsetof( CK_ATTRIBUTE, pValue ) == ALIGN_UP( ULONG_SZ, PTR_AL ) );
CHECK( offsetof( CK_ATTRIBUTE, ulValueLen ) == ALIGN_UP( ALIGN_UP( ULONG_SZ, PTR_AL ) + PTR_SZ, ULONG_AL ) );
CHECK( sizeof( CK_ATTRIBUTE ) == offsetof( CK_ATTRIBUTE, ulValueLen ) + ULONG_SZ );
CHECK( sizeof( CK_MECHANISM ) == sizeof( CK_ATTRIBUTE ) );
CHECK( offsetof( CK_MECHANISM, pParameter ) == offsetof( CK_ATTRIBUTE, pValue ) );
CHECK( offsetof( CK_MECHANISM, ulParameterLen ) == offsetof( CK_ATTRIBUTE, ulValueLen ) );

/* ---- CK_DATE ---- */
CHECK( sizeof( CK_DATE ) == 8 );

/* ---- CK_C_INITIALIZE_ARGS: four callbacks, flags, reserved pointer ---- */
CHECK( offsetof( CK_C_INITIALIZE_ARGS, DestroyMutex ) == FPTR_SZ );
CHECK( offsetof( CK_C_INITIALIZE_ARGS, UnlockMutex ) == 3 * FPTR_SZ );
CHECK( offsetof( CK_C_INITIALIZE_ARGS, flags ) == 4 * FPTR_SZ );
CHECK( offsetof( CK_C_INITIALIZE_ARGS, pReserved ) == ALIGN_UP( 4 * FPTR_SZ + ULONG_SZ, PTR_AL ) );

/* ---- Parameter structures ---- */
CHECK( offsetof( CK_ECDH1_DERIVE_PARAMS, pPublicData ) ==
       ALIGN_UP( ALIGN_UP( 2 * ULONG_SZ, PTR_AL ) + PTR_SZ + ULONG_SZ, PTR_AL ) );
CHECK( sizeof( CK_RSA_PKCS_PSS_PARAMS ) == 3 * ULONG_SZ );
CHECK( offsetof( CK_RSA_PKCS_OAEP_PARAMS, pSourceData ) == ALIGN_UP( 3 * ULONG_SZ, PTR_AL ) );

/* ---- corePKCS11 certificate template: six CK_ATTRIBUTEs, class first ---- */
CHECK( sizeof( PKCS11_CertificateTemplate_t ) == 6 * sizeof( CK_ATTRIBUTE ) );
CHECK( offsetof( PKCS11_CertificateTemplate_t, xObjectClass ) == 0 );
CHECK( offsetof( PKCS11_CertificateTemplate_t, xTokenObject ) == 5 * sizeof( CK_ATTRIBUTE ) );

/* ---- CK_FUNCTION_LIST: version, then 68 pointers in the standard order ---- */
#define FIRST_FN    ALIGN_UP( sizeof( CK_VERSION ), FPTR_AL )
#define FN_AT( name, index ) \
    CHECK( offsetof( CK_FUNCTION_LIST, name ) == FIRST_FN + ( index ) * FPTR_SZ )

CHECK( offsetof( CK_FUNCTION_LIST, version ) == 0 );
FN_AT( C_Initialize, 0 );
FN_AT( C_Finalize, 1 );
FN_AT( C_GetInfo, 2 );
FN_AT( C_GetFunctionList, 3 );
FN_AT( C_GetSlotList, 4 );
FN_AT( C_GetSlotInfo, 5 );
FN_AT( C_GetTokenInfo, 6 );
FN_AT( C_GetMechanismList, 7 );
FN_AT( C_GetMechanismInfo, 8 );
FN_AT( C_InitToken, 9 );
FN_AT( C_InitPIN, 10 );
FN_AT( C_SetPIN, 11 );
FN_AT( C_OpenSession, 12 );
FN_AT( C_CloseSession, 13 );
FN_AT( C_CloseAllSessions, 14 );
FN_AT( C_GetSessionInfo, 15 );
FN_AT( C_GetOperationState, 16 );
FN_AT( C_SetOperationState, 17 );
FN_AT( C_Login, 18 );
FN_AT( C_Logout, 19 );
FN_AT( C_CreateObject, 20 );
FN_AT( C_CopyObject, 21 );
FN_AT( C_DestroyObject, 22 );
FN_AT( C_GetObjectSize, 23 );
FN_AT( C_GetAttributeValue, 24 );
FN_AT( C_SetAttributeValue, 25 );
FN_AT( C_FindObjectsInit, 26 );
FN_AT( C_FindObjects, 27 );
FN_AT( C_FindObjectsFinal, 28 );
FN_AT( C_EncryptInit, 29 );
FN_AT( C_Encrypt, 30 );
FN_AT( C_EncryptUpdate, 31 );
FN_AT( C_EncryptFinal, 32 );
FN_AT( C_DecryptInit, 33 );
FN_AT( C_Decrypt, 34 );
FN_AT( C_DecryptUpdate, 35 );
FN_AT( C_DecryptFinal, 36 );
FN_AT( C_DigestInit, 37 );
FN_AT( C_Digest, 38 );
FN_AT( C_DigestUpdate, 39 );
FN_AT( C_DigestKey, 40 );
FN_AT( C_DigestFinal, 41 );
FN_AT( C_SignInit, 42 );
FN_AT( C_Sign, 43 );
FN_AT( C_SignUpdate, 44 );
FN_AT( C_SignFinal, 45 );
FN_AT( C_SignRecoverInit, 46 );
FN_AT( C_SignRecover, 47 );
FN_AT( C_VerifyInit, 48 );
FN_AT( C_Verify, 49 );
FN_AT( C_VerifyUpdate, 50 );
FN_AT( C_VerifyFinal, 51 );
FN_AT( C_VerifyRecoverInit, 52 );
FN_AT( C_VerifyRecover, 53 );
FN_AT( C_DigestEncryptUpdate, 54 );
FN_AT( C_DecryptDigestUpdate, 55 );
FN_AT( C_SignEncryptUpdate, 56 );
FN_AT( C_DecryptVerifyUpdate, 57 );
FN_AT( C_GenerateKey, 58 );
FN_AT( C_GenerateKeyPair, 59 );
FN_AT( C_WrapKey, 60 );
FN_AT( C_UnwrapKey, 61 );
FN_AT( C_DeriveKey, 62 );
FN_AT( C_SeedRandom, 63 );
FN_AT( C_GenerateRandom, 64 );
FN_AT( C_GetFunctionStatus, 65 );
FN_AT( C_CancelFunction, 66 );
FN_AT( C_WaitForSlotEvent, 67 );
CHECK( sizeof( CK_FUNCTION_LIST ) == FIRST_FN + 68 * FPTR_SZ );

/* pkcs11f.h lists exactly 68 entries. */
#define CK_PKCS11_FUNCTION_INFO( name )    +1
enum { prvFUNCTION_COUNT = 0
#include "pkcs11f.h"
};
#undef CK_PKCS11_FUNCTION_INFO
CHECK( prvFUNCTION_COUNT == 68 );

/* ---- Constants shared with the Rust side and the corePKCS11 macros ---- */
CHECK( CRYPTOKI_VERSION_MAJOR == 2 && CRYPTOKI_VERSION_MINOR == 40 );
CHECK( CKR_OK == 0 && CKR_FUNCTION_NOT_SUPPORTED == 0x54 && CKR_SIGNATURE_INVALID == 0xC0 );
CHECK( CKR_ATTRIBUTE_SENSITIVE == 0x11 && CKR_CRYPTOKI_ALREADY_INITIALIZED == 0x191 );
CHECK( CKM_SHA256 == 0x250 && CKM_ECDSA == 0x1041 && CKM_EC_KEY_PAIR_GEN == 0x1040 );
CHECK( CKM_AES_CMAC == 0x108A && CKM_SHA256_HMAC == 0x251 && CKM_RSA_PKCS == 1 );
CHECK( CKA_EC_POINT == 0x181 && CKA_EC_PARAMS == 0x180 && CKA_VALUE == 0x11 );
CHECK( CKA_WRAP_TEMPLATE == 0x40000211UL && CKA_ALLOWED_MECHANISMS == 0x40000600UL );
CHECK( CK_UNAVAILABLE_INFORMATION == ( CK_ULONG ) -1 );

static const uint8_t prvDigestInfoPrefix[] = pkcs11STUFF_APPENDED_TO_RSA_SIG;
static const uint8_t prvP256Oid[] = pkcs11DER_ENCODED_OID_P256;
static const uint8_t prvExponent[] = pkcs11RSA_PUBLIC_EXPONENT;
CHECK( sizeof( prvDigestInfoPrefix ) == 19 );
CHECK( sizeof( prvDigestInfoPrefix ) + pkcs11SHA256_DIGEST_LENGTH == pkcs11RSA_SIGNATURE_INPUT_LENGTH );
CHECK( sizeof( prvP256Oid ) == 10 );
CHECK( sizeof( prvExponent ) == 3 );
CHECK( pkcs11RSA_2048_SIGNATURE_LENGTH == 256 );
CHECK( pkcs11ECDSA_P256_SIGNATURE_LENGTH == 64 );

/* Keep the arrays referenced so -Wunused does not complain. */
const void * const prvAbiCheckAnchors[] = { prvDigestInfoPrefix, prvP256Oid, prvExponent };
