/*
 * core-pkcs11: ECDSA signature format helpers (drop-in for corePKCS11's
 * core_pki_utils.h).
 *
 * SPDX-License-Identifier: MIT
 * Copyright (c) the core-pkcs11 authors.
 */

#ifndef _CORE_PKI_UTILS_H_
#define _CORE_PKI_UTILS_H_

#include <stdint.h>
#include <stddef.h>

/* *INDENT-OFF* */
#ifdef __cplusplus
    extern "C" {
#endif
/* *INDENT-ON* */

/**
 * @file core_pki_utils.h
 * @brief Conversions between the PKCS #11 form of a P-256 ECDSA signature
 * (R || S, 32 bytes each) and its ASN.1 DER form
 * (SEQUENCE { INTEGER r, INTEGER s }, at most 72 bytes) used by mbedTLS.
 *
 * The library exports two forms of each helper. All return 0 on success and -1
 * on failure, and reject malformed input without reading or writing outside the
 * buffers they are given (for the v3 form: outside the sizes stated below).
 *
 * - Bounded form, with explicit buffer lengths, exported as
 *   PKI_mbedTLSSignatureToPkcs11Signature and
 *   PKI_pkcs11SignatureTombedTLSSignature.
 * - Released corePKCS11 v3.x form, without lengths, exported as
 *   PKI_v3_mbedTLSSignatureToPkcs11Signature and
 *   PKI_v3_pkcs11SignatureTombedTLSSignature.
 *
 * The switch pkcs11configPKI_UTILS_LEGACY_API selects which form this header
 * declares under the standard names:
 *
 * - 1 (the default when undefined, since code written for corePKCS11 v3.6.x
 *   uses it): the standard names are object-like macros for the PKI_v3_*
 *   functions, so calls and function pointers in existing code keep working.
 * - 0: the standard names are the bounded functions.
 *
 * Set it on the compiler command line (-Dpkcs11configPKI_UTILS_LEGACY_API=0)
 * or define it before including this header. The PKI_v3_* names are declared
 * in both cases.
 */

#ifndef pkcs11configPKI_UTILS_LEGACY_API
    #define pkcs11configPKI_UTILS_LEGACY_API    1
#endif

/*------------------------- Released v3.x form -------------------------------*/

/**
 * @brief Converts a DER-encoded P-256 ECDSA signature to the 64-byte PKCS #11
 * form (v3.x signature).
 *
 * @param[out] pxSignaturePKCS  64-byte buffer that receives R || S.
 * @param[in]  pxMbedSignature  DER signature; at most 72 bytes are read, and no
 *                              more than its encoded length says.
 *
 * @return 0 on success, -1 on failure.
 */
int8_t PKI_v3_mbedTLSSignatureToPkcs11Signature( uint8_t * pxSignaturePKCS,
                                                 const uint8_t * pxMbedSignature );

/**
 * @brief Converts, in place, a 64-byte PKCS #11 P-256 ECDSA signature to DER
 * (v3.x signature).
 *
 * @param[in,out] pucSig    Holds R || S on input and the DER signature on
 *                          output; must be at least 72 bytes long.
 * @param[out]    pxSigLen  Receives the length of the DER signature.
 *
 * @return 0 on success, -1 on failure.
 */
int8_t PKI_v3_pkcs11SignatureTombedTLSSignature( uint8_t * pucSig,
                                                 size_t * pxSigLen );

#if ( pkcs11configPKI_UTILS_LEGACY_API != 0 )

/** @brief The v3.x form under the standard name (see the file comment). */
    #define PKI_mbedTLSSignatureToPkcs11Signature    PKI_v3_mbedTLSSignatureToPkcs11Signature

/** @brief The v3.x form under the standard name (see the file comment). */
    #define PKI_pkcs11SignatureTombedTLSSignature    PKI_v3_pkcs11SignatureTombedTLSSignature

#else /* pkcs11configPKI_UTILS_LEGACY_API == 0 */

/*---------------------------- Bounded form ----------------------------------*/

/**
 * @brief Converts a DER-encoded P-256 ECDSA signature to the 64-byte PKCS #11
 * form.
 *
 * @param[out] pxSignaturePKCS       Buffer that receives R || S.
 * @param[in]  xSignaturePKCSLength  Size of pxSignaturePKCS; at least 64.
 * @param[in]  pxMbedSignature       The DER signature.
 * @param[in]  xMbedSignatureLength  Length of the DER signature in bytes.
 *
 * @return 0 on success, -1 on failure.
 */
int8_t PKI_mbedTLSSignatureToPkcs11Signature( uint8_t * pxSignaturePKCS,
                                              size_t xSignaturePKCSLength,
                                              const uint8_t * pxMbedSignature,
                                              size_t xMbedSignatureLength );

/**
 * @brief Converts, in place, a 64-byte PKCS #11 P-256 ECDSA signature to DER.
 *
 * @param[in,out] pucSig             Holds R || S on input and the DER
 *                                   signature on output.
 * @param[in]     xSigBufferLength   Size of pucSig; at least 72 (the longest
 *                                   DER form).
 * @param[out]    pxSigLen           Receives the length of the DER signature.
 *
 * @return 0 on success, -1 on failure.
 */
int8_t PKI_pkcs11SignatureTombedTLSSignature( uint8_t * pucSig,
                                              size_t xSigBufferLength,
                                              size_t * pxSigLen );

#endif /* pkcs11configPKI_UTILS_LEGACY_API */

/* *INDENT-OFF* */
#ifdef __cplusplus
    }
#endif
/* *INDENT-ON* */

#endif /* _CORE_PKI_UTILS_H_ */
