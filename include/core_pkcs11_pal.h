/*
 * core-pkcs11: storage port interface (drop-in for corePKCS11's
 * core_pkcs11_pal.h).
 *
 * SPDX-License-Identifier: MIT
 * Copyright (c) the core-pkcs11 authors.
 *
 * This header has no includes of its own: include core_pkcs11.h before it.
 */

#ifndef CORE_PKCS11_PAL
#define CORE_PKCS11_PAL

/**
 * @file core_pkcs11_pal.h
 * @brief The PKCS #11 platform abstraction layer (PAL): how the token reads and
 * writes its objects in non-volatile storage.
 *
 * A port implements these six functions for its flash or file system. The
 * library can use such a port as its object store, besides its own stores.
 * Objects are identified by their label; handles returned here are the port's
 * own and 0 (CK_INVALID_HANDLE) means none.
 */

/* *INDENT-OFF* */
#ifdef __cplusplus
    extern "C" {
#endif
/* *INDENT-ON* */

/**
 * @brief Prepares the storage for use.
 *
 * Called by C_Initialize before any other PAL function.
 *
 * @return CKR_OK on success, CKR_FUNCTION_FAILED otherwise.
 */
CK_RV PKCS11_PAL_Initialize( void );

/**
 * @brief Writes an object to storage, creating it or replacing the object with
 * the same label.
 *
 * @param[in] pxLabel     CKA_LABEL attribute of the object.
 * @param[in] pucData     The object's stored value.
 * @param[in] ulDataSize  Length of pucData in bytes.
 *
 * @return The object's handle, or CK_INVALID_HANDLE (0) on failure.
 */
CK_OBJECT_HANDLE PKCS11_PAL_SaveObject( CK_ATTRIBUTE_PTR pxLabel,
                                        CK_BYTE_PTR pucData,
                                        CK_ULONG ulDataSize );

/**
 * @brief Removes an object from storage.
 *
 * @param[in] xHandle  Handle returned by PKCS11_PAL_SaveObject or
 *                     PKCS11_PAL_FindObject.
 *
 * @return CKR_OK on success, or a PKCS #11 error such as
 * CKR_OBJECT_HANDLE_INVALID or CKR_FUNCTION_FAILED.
 */
CK_RV PKCS11_PAL_DestroyObject( CK_OBJECT_HANDLE xHandle );

/**
 * @brief Looks an object up by label.
 *
 * @param[in] pxLabel   The label bytes.
 * @param[in] usLength  Length of the label in bytes.
 *
 * @return The object's handle, or CK_INVALID_HANDLE (0) if there is none.
 */
CK_OBJECT_HANDLE PKCS11_PAL_FindObject( CK_BYTE_PTR pxLabel,
                                        CK_ULONG usLength );

/**
 * @brief Reads an object's value into a buffer the port allocates.
 *
 * Every successful call must be paired with PKCS11_PAL_GetObjectValueCleanup()
 * on the returned buffer.
 *
 * @param[in]  xHandle      The object's handle.
 * @param[out] ppucData     Receives a pointer to the value.
 * @param[out] pulDataSize  Receives the length of the value in bytes.
 * @param[out] pIsPrivate   Receives CK_TRUE if the value is secret (a private or
 *                          secret key), CK_FALSE if it may be exported.
 *
 * @return CKR_OK; CKR_OBJECT_HANDLE_INVALID (or CKR_KEY_HANDLE_INVALID) if the
 * handle is unknown; CKR_HOST_MEMORY / CKR_DEVICE_MEMORY if the buffer could
 * not be allocated; CKR_FUNCTION_FAILED on a storage error.
 */
CK_RV PKCS11_PAL_GetObjectValue( CK_OBJECT_HANDLE xHandle,
                                 CK_BYTE_PTR * ppucData,
                                 CK_ULONG_PTR pulDataSize,
                                 CK_BBOOL * pIsPrivate );

/**
 * @brief Releases a buffer returned by PKCS11_PAL_GetObjectValue(), wiping it
 * first if it may hold secrets.
 *
 * @param[in] pucData     The buffer (*ppucData of PKCS11_PAL_GetObjectValue).
 * @param[in] ulDataSize  Its length (*pulDataSize of PKCS11_PAL_GetObjectValue).
 */
void PKCS11_PAL_GetObjectValueCleanup( CK_BYTE_PTR pucData,
                                       CK_ULONG ulDataSize );

/* *INDENT-OFF* */
#ifdef __cplusplus
    }
#endif
/* *INDENT-ON* */

#endif /* CORE_PKCS11_PAL */
