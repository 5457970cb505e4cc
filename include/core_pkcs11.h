/*
 * core-pkcs11: application header (drop-in for corePKCS11's core_pkcs11.h).
 *
 * SPDX-License-Identifier: MIT
 * Copyright (c) the core-pkcs11 authors.
 *
 * Applications include only this header. It defines the platform macros the
 * PKCS #11 headers need, includes pkcs11.h, and declares the corePKCS11
 * convenience wrappers and constants implemented by libcore_pkcs11.a.
 */

#ifndef _CORE_PKCS11_H_
#define _CORE_PKCS11_H_

#include <stdint.h>
#include <stddef.h>

/* *INDENT-OFF* */
#ifdef __cplusplus
    extern "C" {
#endif
/* *INDENT-ON* */

/**
 * @file core_pkcs11.h
 * @brief PKCS #11 platform macros, corePKCS11 constants and wrapper functions.
 */

/*----------------------- Platform macros for pkcs11.h -----------------------*/

/** @brief Pointer indirection used by the PKCS #11 types. */
#define CK_PTR    *

/** @brief The null pointer value used by PKCS #11. */
#ifndef NULL_PTR
    #define NULL_PTR    0
#endif

/** @brief Function definition (deprecated by PKCS #11; kept for existing code). */
#define CK_DEFINE_FUNCTION( returnType, name )             returnType name

/** @brief Declaration of a PKCS #11 function. */
#define CK_DECLARE_FUNCTION( returnType, name )            returnType name

/** @brief Declaration of a PKCS #11 function pointer (or pointer type). */
#define CK_DECLARE_FUNCTION_POINTER( returnType, name )    returnType( CK_PTR name )

/** @brief Declaration of an application callback pointer (or pointer type). */
#define CK_CALLBACK_FUNCTION( returnType, name )           returnType( CK_PTR name )

/*------------------------------- Constants ----------------------------------*/

/** @brief Length of a SHA-256 digest, in bytes. */
#define pkcs11SHA256_DIGEST_LENGTH           32UL

/** @brief Length of an AES-CMAC signature, in bytes. */
#define pkcs11AES_CMAC_SIGNATURE_LENGTH      16UL

/**
 * @brief Length of a P-256 ECDSA signature, in bytes.
 *
 * PKCS #11 represents it as the 32-byte R followed by the 32-byte S, not as
 * ASN.1 DER (see core_pki_utils.h for conversions).
 */
#define pkcs11ECDSA_P256_SIGNATURE_LENGTH    64UL

/** @brief Key size of NIST P-256, in bits. */
#define pkcs11ECDSA_P256_KEY_BITS            256UL

/** @brief RSA public exponent 65537, big-endian (brace initializer). */
#define pkcs11RSA_PUBLIC_EXPONENT            { 0x01, 0x00, 0x01 }

/** @brief Modulus size of RSA-2048, in bits. */
#define pkcs11RSA_2048_MODULUS_BITS          2048UL

/** @brief Length of an RSA-2048 signature, in bytes. */
#define pkcs11RSA_2048_SIGNATURE_LENGTH      ( pkcs11RSA_2048_MODULUS_BITS / 8UL )

/**
 * @brief Length of the CKM_RSA_PKCS signing input for SHA-256: the 19-byte
 * DigestInfo prefix (pkcs11STUFF_APPENDED_TO_RSA_SIG) plus the 32-byte hash.
 */
#define pkcs11RSA_SIGNATURE_INPUT_LENGTH     51UL

/** @brief Object identifier of the NIST P-256 curve, as a dotted string. */
#define pkcs11ELLIPTIC_CURVE_NISTP256        "1.2.840.10045.3.1.7"

/** @brief Maximum storage for a label, in bytes (31 characters plus a NUL). */
#define pkcs11MAX_LABEL_LENGTH               32UL

/** @brief DER encoding of the P-256 OID, the CKA_EC_PARAMS value (brace initializer). */
#define pkcs11DER_ENCODED_OID_P256           { 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07 }

/**
 * @brief 1 if private keys may be imported with C_CreateObject.
 *
 * Define it to 0 in core_pkcs11_config.h to refuse private key import.
 */
#ifndef pkcs11configIMPORT_PRIVATE_KEYS_SUPPORTED
    #define pkcs11configIMPORT_PRIVATE_KEYS_SUPPORTED    1
#endif

/**
 * @brief The 19-byte DER prefix of a SHA-256 DigestInfo (brace initializer).
 *
 * DigestInfo ::= SEQUENCE { digestAlgorithm AlgorithmIdentifier (sha256, NULL),
 * digest OCTET STRING (32 bytes) }, without the digest itself. Prepended to a
 * SHA-256 hash it forms the 51-byte input of a CKM_RSA_PKCS signature; see
 * vAppendSHA256AlgorithmIdentifierSequence().
 */
#define pkcs11STUFF_APPENDED_TO_RSA_SIG \
    { 0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20 }

/*-------------------------- The PKCS #11 headers ----------------------------*/

/* Some toolchains (Keil/ARM RVCT) define __PASTE in their own headers; pkcs11.h
 * defines its own. */
#ifdef __PASTE
    #undef __PASTE
#endif

/* Windows headers map CreateMutex to CreateMutexA/W, which would rename the
 * CK_C_INITIALIZE_ARGS member. */
#ifdef CreateMutex
    #undef CreateMutex
#endif

/* The Windows PKCS #11 ABI packs structures to 1 byte; other platforms use the
 * natural layout. */
#ifdef _WIN32
    #pragma pack(push, cryptoki, 1)
#endif

#include "pkcs11.h"

/**
 * @brief Template for importing an X.509 certificate with C_CreateObject.
 *
 * Pass it as `( CK_ATTRIBUTE_PTR ) &xTemplate` with a count of
 * `sizeof( xTemplate ) / sizeof( CK_ATTRIBUTE )`. The class comes first.
 */
typedef struct PKCS11_CertificateTemplate
{
    CK_ATTRIBUTE xObjectClass;     /**< @brief CKA_CLASS: CKO_CERTIFICATE. */
    CK_ATTRIBUTE xSubject;         /**< @brief CKA_SUBJECT: required by PKCS #11. */
    CK_ATTRIBUTE xCertificateType; /**< @brief CKA_CERTIFICATE_TYPE: CKC_X_509. */
    CK_ATTRIBUTE xValue;           /**< @brief CKA_VALUE: the DER certificate. */
    CK_ATTRIBUTE xLabel;           /**< @brief CKA_LABEL. */
    CK_ATTRIBUTE xTokenObject;     /**< @brief CKA_TOKEN: CK_TRUE. */
} PKCS11_CertificateTemplate_t;

#ifdef _WIN32
    #pragma pack(pop, cryptoki)
#endif

/*------------------------- corePKCS11 wrapper functions ---------------------*/

/**
 * @brief Initializes the library: C_Initialize with CKF_OS_LOCKING_OK and no
 * mutex callbacks.
 *
 * @return CKR_OK, CKR_CRYPTOKI_ALREADY_INITIALIZED, or another PKCS #11 error.
 */
CK_RV xInitializePKCS11( void );

/**
 * @brief Gets the list of slots, in a buffer allocated for the caller.
 *
 * @param[out] ppxSlotId    Receives the slot array, allocated with
 *                          pkcs11configPKCS11_MALLOC; free it with
 *                          pkcs11configPKCS11_FREE (free() by default).
 * @param[out] pxSlotCount  Receives the number of slots.
 *
 * @return CKR_OK or a PKCS #11 error (CKR_HOST_MEMORY if allocation failed).
 */
CK_RV xGetSlotList( CK_SLOT_ID ** ppxSlotId,
                    CK_ULONG * pxSlotCount );

/**
 * @brief Initializes the library (already initialized is fine), opens a
 * read/write serial session on the first slot and logs in as CKU_USER with
 * pkcs11configPKCS11_DEFAULT_USER_PIN.
 *
 * @param[out] pxSession  Receives the session handle.
 *
 * @return CKR_OK or a PKCS #11 error.
 */
CK_RV xInitializePkcs11Session( CK_SESSION_HANDLE * pxSession );

/**
 * @brief Initializes the library and, unless it already is, the token in the
 * first slot (C_InitToken with the default PIN and the label "FreeRTOS").
 *
 * @return CKR_OK or a PKCS #11 error.
 */
CK_RV xInitializePkcs11Token( void );

/**
 * @brief Finds the object with the given label and class.
 *
 * @param[in]  xSession        An open session.
 * @param[in]  pcLabelName     The label (CKA_LABEL), not necessarily NUL-terminated.
 * @param[in]  ulLabelNameLen  Length of the label in bytes (without a NUL).
 * @param[in]  xClass          The class (CKA_CLASS), e.g. CKO_PRIVATE_KEY.
 * @param[out] pxHandle        Receives the handle, or CK_INVALID_HANDLE when no
 *                             object matches (which still returns CKR_OK).
 *
 * @return CKR_OK or a PKCS #11 error.
 */
CK_RV xFindObjectWithLabelAndClass( CK_SESSION_HANDLE xSession,
                                    char * pcLabelName,
                                    CK_ULONG ulLabelNameLen,
                                    CK_OBJECT_CLASS xClass,
                                    CK_OBJECT_HANDLE_PTR pxHandle );

/**
 * @brief Builds the 51-byte SHA-256 DigestInfo for CKM_RSA_PKCS signing: the
 * 19-byte pkcs11STUFF_APPENDED_TO_RSA_SIG prefix followed by the hash.
 *
 * @param[in]  puc32ByteHashedMessage  The 32-byte SHA-256 hash.
 * @param[out] puc51ByteHashOidBuffer  A 51-byte buffer that receives the DigestInfo.
 *
 * @return CKR_OK, or CKR_ARGUMENTS_BAD if a pointer is NULL.
 */
CK_RV vAppendSHA256AlgorithmIdentifierSequence( const uint8_t * puc32ByteHashedMessage,
                                                uint8_t * puc51ByteHashOidBuffer );

/* *INDENT-OFF* */
#ifdef __cplusplus
    }
#endif
/* *INDENT-ON* */

#endif /* _CORE_PKCS11_H_ */
