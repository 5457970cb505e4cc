/*
 * core-pkcs11: PKCS #11 v2.40 function prototypes, as an X-macro list.
 *
 * SPDX-License-Identifier: MIT
 * Copyright (c) the core-pkcs11 authors.
 *
 * Written for core-pkcs11 from the PKCS #11 v2.40 specification.
 *
 * This file is deliberately without an include guard: pkcs11.h includes it
 * several times with different definitions of CK_PKCS11_FUNCTION_INFO(name),
 * to declare the C_* functions, to typedef the CK_C_* function pointer types and
 * to lay out the members of CK_FUNCTION_LIST. When CK_NEED_ARG_LIST is defined
 * each entry is followed by its parenthesised parameter list and a semicolon.
 *
 * The order of the entries is the order of the CK_FUNCTION_LIST members fixed
 * by the standard (68 functions); it must never change.
 */

/* ---- General purpose ---- */

/* Initializes the library; pInitArgs is NULL_PTR or points to a CK_C_INITIALIZE_ARGS. */
CK_PKCS11_FUNCTION_INFO( C_Initialize )
#ifdef CK_NEED_ARG_LIST
(
    CK_VOID_PTR pInitArgs
);
#endif

/* Ends the application's use of the library; pReserved must be NULL_PTR. */
CK_PKCS11_FUNCTION_INFO( C_Finalize )
#ifdef CK_NEED_ARG_LIST
(
    CK_VOID_PTR pReserved
);
#endif

/* Returns general information about the library. */
CK_PKCS11_FUNCTION_INFO( C_GetInfo )
#ifdef CK_NEED_ARG_LIST
(
    CK_INFO_PTR pInfo
);
#endif

/* Returns the library's function list. */
CK_PKCS11_FUNCTION_INFO( C_GetFunctionList )
#ifdef CK_NEED_ARG_LIST
(
    CK_FUNCTION_LIST_PTR_PTR ppFunctionList
);
#endif

/* ---- Slot and token management ---- */

/* Lists the slots (only those holding a token if tokenPresent). */
CK_PKCS11_FUNCTION_INFO( C_GetSlotList )
#ifdef CK_NEED_ARG_LIST
(
    CK_BBOOL tokenPresent,
    CK_SLOT_ID_PTR pSlotList,
    CK_ULONG_PTR pulCount
);
#endif

/* Returns information about a slot. */
CK_PKCS11_FUNCTION_INFO( C_GetSlotInfo )
#ifdef CK_NEED_ARG_LIST
(
    CK_SLOT_ID slotID,
    CK_SLOT_INFO_PTR pInfo
);
#endif

/* Returns information about the token in a slot. */
CK_PKCS11_FUNCTION_INFO( C_GetTokenInfo )
#ifdef CK_NEED_ARG_LIST
(
    CK_SLOT_ID slotID,
    CK_TOKEN_INFO_PTR pInfo
);
#endif

/* Lists the mechanisms a token supports. */
CK_PKCS11_FUNCTION_INFO( C_GetMechanismList )
#ifdef CK_NEED_ARG_LIST
(
    CK_SLOT_ID slotID,
    CK_MECHANISM_TYPE_PTR pMechanismList,
    CK_ULONG_PTR pulCount
);
#endif

/* Returns information about one mechanism of a token. */
CK_PKCS11_FUNCTION_INFO( C_GetMechanismInfo )
#ifdef CK_NEED_ARG_LIST
(
    CK_SLOT_ID slotID,
    CK_MECHANISM_TYPE type,
    CK_MECHANISM_INFO_PTR pInfo
);
#endif

/* Initializes a token with an SO PIN and a 32-byte space-padded label. */
CK_PKCS11_FUNCTION_INFO( C_InitToken )
#ifdef CK_NEED_ARG_LIST
(
    CK_SLOT_ID slotID,
    CK_UTF8CHAR_PTR pPin,
    CK_ULONG ulPinLen,
    CK_UTF8CHAR_PTR pLabel
);
#endif

/* Sets the normal user's PIN. */
CK_PKCS11_FUNCTION_INFO( C_InitPIN )
#ifdef CK_NEED_ARG_LIST
(
    CK_SESSION_HANDLE hSession,
    CK_UTF8CHAR_PTR pPin,
    CK_ULONG ulPinLen
);
#endif

/* Changes the PIN of the logged-in user. */
CK_PKCS11_FUNCTION_INFO( C_SetPIN )
#ifdef CK_NEED_ARG_LIST
(
    CK_SESSION_HANDLE hSession,
    CK_UTF8CHAR_PTR pOldPin,
    CK_ULONG ulOldLen,
    CK_UTF8CHAR_PTR pNewPin,
    CK_ULONG ulNewLen
);
#endif

/* ---- Session management ---- */

/* Opens a session with the token in a slot. */
CK_PKCS11_FUNCTION_INFO( C_OpenSession )
#ifdef CK_NEED_ARG_LIST
(
    CK_SLOT_ID slotID,
    CK_FLAGS flags,
    CK_VOID_PTR pApplication,
    CK_NOTIFY Notify,
    CK_SESSION_HANDLE_PTR phSession
);
#endif

/* Closes a session. */
CK_PKCS11_FUNCTION_INFO( C_CloseSession )
#ifdef CK_NEED_ARG_LIST
(
    CK_SESSION_HANDLE hSession
);
#endif

/* Closes every session with the token in a slot. */
CK_PKCS11_FUNCTION_INFO( C_CloseAllSessions )
#ifdef CK_NEED_ARG_LIST
(
    CK_SLOT_ID slotID
);
#endif

/* Returns information about a session. */
CK_PKCS11_FUNCTION_INFO( C_GetSessionInfo )
#ifdef CK_NEED_ARG_LIST
(
    CK_SESSION_HANDLE hSession,
    CK_SESSION_INFO_PTR pInfo
);
#endif

/* Saves the state of the session's cryptographic operations. */
CK_PKCS11_FUNCTION_INFO( C_GetOperationState )
#ifdef CK_NEED_ARG_LIST
(
    CK_SESSION_HANDLE hSession,
    CK_BYTE_PTR pOperationState,
    CK_ULONG_PTR pulOperationStateLen
);
#endif

/* Restores a saved operation state. */
CK_PKCS11_FUNCTION_INFO( C_SetOperationState )
#ifdef CK_NEED_ARG_LIST
(
    CK_SESSION_HANDLE hSession,
    CK_BYTE_PTR pOperationState,
    CK_ULONG ulOperationStateLen,
    CK_OBJECT_HANDLE hEncryptionKey,
    CK_OBJECT_HANDLE hAuthenticationKey
);
#endif

/* Logs a user into the token. */
CK_PKCS11_FUNCTION_INFO( C_Login )
#ifdef CK_NEED_ARG_LIST
(
    CK_SESSION_HANDLE hSession,
    CK_USER_TYPE userType,
    CK_UTF8CHAR_PTR pPin,
    CK_ULONG ulPinLen
);
#endif

/* Logs the user out of the token. */
CK_PKCS11_FUNCTION_INFO( C_Logout )
#ifdef CK_NEED_ARG_LIST
(
    CK_SESSION_HANDLE hSession
);
#endif

/* ---- Object management ---- */

/* Creates an object from a template. */
CK_PKCS11_FUNCTION_INFO( C_CreateObject )
#ifdef CK_NEED_ARG_LIST
(
    CK_SESSION_HANDLE hSession,
    CK_ATTRIBUTE_PTR pTemplate,
    CK_ULONG ulCount,
    CK_OBJECT_HANDLE_PTR phObject
);
#endif

/* Copies an object, changing the attributes given in the template. */
CK_PKCS11_FUNCTION_INFO( C_CopyObject )
#ifdef CK_NEED_ARG_LIST
(
    CK_SESSION_HANDLE hSession,
    CK_OBJECT_HANDLE hObject,
    CK_ATTRIBUTE_PTR pTemplate,
    CK_ULONG ulCount,
    CK_OBJECT_HANDLE_PTR phNewObject
);
#endif

/* Destroys an object. */
CK_PKCS11_FUNCTION_INFO( C_DestroyObject )
#ifdef CK_NEED_ARG_LIST
(
    CK_SESSION_HANDLE hSession,
    CK_OBJECT_HANDLE hObject
);
#endif

/* Returns the size of an object in bytes. */
CK_PKCS11_FUNCTION_INFO( C_GetObjectSize )
#ifdef CK_NEED_ARG_LIST
(
    CK_SESSION_HANDLE hSession,
    CK_OBJECT_HANDLE hObject,
    CK_ULONG_PTR pulSize
);
#endif

/* Reads attribute values of an object. */
CK_PKCS11_FUNCTION_INFO( C_GetAttributeValue )
#ifdef CK_NEED_ARG_LIST
(
    CK_SESSION_HANDLE hSession,
    CK_OBJECT_HANDLE hObject,
    CK_ATTRIBUTE_PTR pTemplate,
    CK_ULONG ulCount
);
#endif

/* Changes attribute values of an object. */
CK_PKCS11_FUNCTION_INFO( C_SetAttributeValue )
#ifdef CK_NEED_ARG_LIST
(
    CK_SESSION_HANDLE hSession,
    CK_OBJECT_HANDLE hObject,
    CK_ATTRIBUTE_PTR pTemplate,
    CK_ULONG ulCount
);
#endif

/* Starts a search for objects matching a template. */
CK_PKCS11_FUNCTION_INFO( C_FindObjectsInit )
#ifdef CK_NEED_ARG_LIST
(
    CK_SESSION_HANDLE hSession,
    CK_ATTRIBUTE_PTR pTemplate,
    CK_ULONG ulCount
);
#endif

/* Returns further handles of a search. */
CK_PKCS11_FUNCTION_INFO( C_FindObjects )
#ifdef CK_NEED_ARG_LIST
(
    CK_SESSION_HANDLE hSession,
    CK_OBJECT_HANDLE_PTR phObject,
    CK_ULONG ulMaxObjectCount,
    CK_ULONG_PTR pulObjectCount
);
#endif

/* Ends a search. */
CK_PKCS11_FUNCTION_INFO( C_FindObjectsFinal )
#ifdef CK_NEED_ARG_LIST
(
    CK_SESSION_HANDLE hSession
);
#endif

/* ---- Encryption ---- */

/* Starts an encryption operation. */
CK_PKCS11_FUNCTION_INFO( C_EncryptInit )
#ifdef CK_NEED_ARG_LIST
(
    CK_SESSION_HANDLE hSession,
    CK_MECHANISM_PTR pMechanism,
    CK_OBJECT_HANDLE hKey
);
#endif

/* Encrypts data in one part. */
CK_PKCS11_FUNCTION_INFO( C_Encrypt )
#ifdef CK_NEED_ARG_LIST
(
    CK_SESSION_HANDLE hSession,
    CK_BYTE_PTR pData,
    CK_ULONG ulDataLen,
    CK_BYTE_PTR pEncryptedData,
    CK_ULONG_PTR pulEncryptedDataLen
);
#endif

/* Continues a multi-part encryption. */
CK_PKCS11_FUNCTION_INFO( C_EncryptUpdate )
#ifdef CK_NEED_ARG_LIST
(
    CK_SESSION_HANDLE hSession,
    CK_BYTE_PTR pPart,
    CK_ULONG ulPartLen,
    CK_BYTE_PTR pEncryptedPart,
    CK_ULONG_PTR pulEncryptedPartLen
);
#endif

/* Finishes a multi-part encryption. */
CK_PKCS11_FUNCTION_INFO( C_EncryptFinal )
#ifdef CK_NEED_ARG_LIST
(
    CK_SESSION_HANDLE hSession,
    CK_BYTE_PTR pLastEncryptedPart,
    CK_ULONG_PTR pulLastEncryptedPartLen
);
#endif

/* ---- Decryption ---- */

/* Starts a decryption operation. */
CK_PKCS11_FUNCTION_INFO( C_DecryptInit )
#ifdef CK_NEED_ARG_LIST
(
    CK_SESSION_HANDLE hSession,
    CK_MECHANISM_PTR pMechanism,
    CK_OBJECT_HANDLE hKey
);
#endif

/* Decrypts data in one part. */
CK_PKCS11_FUNCTION_INFO( C_Decrypt )
#ifdef CK_NEED_ARG_LIST
(
    CK_SESSION_HANDLE hSession,
    CK_BYTE_PTR pEncryptedData,
    CK_ULONG ulEncryptedDataLen,
    CK_BYTE_PTR pData,
    CK_ULONG_PTR pulDataLen
);
#endif

/* Continues a multi-part decryption. */
CK_PKCS11_FUNCTION_INFO( C_DecryptUpdate )
#ifdef CK_NEED_ARG_LIST
(
    CK_SESSION_HANDLE hSession,
    CK_BYTE_PTR pEncryptedPart,
    CK_ULONG ulEncryptedPartLen,
    CK_BYTE_PTR pPart,
    CK_ULONG_PTR pulPartLen
);
#endif

/* Finishes a multi-part decryption. */
CK_PKCS11_FUNCTION_INFO( C_DecryptFinal )
#ifdef CK_NEED_ARG_LIST
(
    CK_SESSION_HANDLE hSession,
    CK_BYTE_PTR pLastPart,
    CK_ULONG_PTR pulLastPartLen
);
#endif

/* ---- Message digesting ---- */

/* Starts a digest operation. */
CK_PKCS11_FUNCTION_INFO( C_DigestInit )
#ifdef CK_NEED_ARG_LIST
(
    CK_SESSION_HANDLE hSession,
    CK_MECHANISM_PTR pMechanism
);
#endif

/* Digests data in one part. */
CK_PKCS11_FUNCTION_INFO( C_Digest )
#ifdef CK_NEED_ARG_LIST
(
    CK_SESSION_HANDLE hSession,
    CK_BYTE_PTR pData,
    CK_ULONG ulDataLen,
    CK_BYTE_PTR pDigest,
    CK_ULONG_PTR pulDigestLen
);
#endif

/* Continues a multi-part digest. */
CK_PKCS11_FUNCTION_INFO( C_DigestUpdate )
#ifdef CK_NEED_ARG_LIST
(
    CK_SESSION_HANDLE hSession,
    CK_BYTE_PTR pPart,
    CK_ULONG ulPartLen
);
#endif

/* Digests the value of a secret key as part of a multi-part digest. */
CK_PKCS11_FUNCTION_INFO( C_DigestKey )
#ifdef CK_NEED_ARG_LIST
(
    CK_SESSION_HANDLE hSession,
    CK_OBJECT_HANDLE hKey
);
#endif

/* Finishes a multi-part digest. */
CK_PKCS11_FUNCTION_INFO( C_DigestFinal )
#ifdef CK_NEED_ARG_LIST
(
    CK_SESSION_HANDLE hSession,
    CK_BYTE_PTR pDigest,
    CK_ULONG_PTR pulDigestLen
);
#endif

/* ---- Signing and MACing ---- */

/* Starts a signature or MAC operation (signature as an appendix). */
CK_PKCS11_FUNCTION_INFO( C_SignInit )
#ifdef CK_NEED_ARG_LIST
(
    CK_SESSION_HANDLE hSession,
    CK_MECHANISM_PTR pMechanism,
    CK_OBJECT_HANDLE hKey
);
#endif

/* Signs data in one part. */
CK_PKCS11_FUNCTION_INFO( C_Sign )
#ifdef CK_NEED_ARG_LIST
(
    CK_SESSION_HANDLE hSession,
    CK_BYTE_PTR pData,
    CK_ULONG ulDataLen,
    CK_BYTE_PTR pSignature,
    CK_ULONG_PTR pulSignatureLen
);
#endif

/* Continues a multi-part signature. */
CK_PKCS11_FUNCTION_INFO( C_SignUpdate )
#ifdef CK_NEED_ARG_LIST
(
    CK_SESSION_HANDLE hSession,
    CK_BYTE_PTR pPart,
    CK_ULONG ulPartLen
);
#endif

/* Finishes a multi-part signature. */
CK_PKCS11_FUNCTION_INFO( C_SignFinal )
#ifdef CK_NEED_ARG_LIST
(
    CK_SESSION_HANDLE hSession,
    CK_BYTE_PTR pSignature,
    CK_ULONG_PTR pulSignatureLen
);
#endif

/* Starts a signature from which the data can be recovered. */
CK_PKCS11_FUNCTION_INFO( C_SignRecoverInit )
#ifdef CK_NEED_ARG_LIST
(
    CK_SESSION_HANDLE hSession,
    CK_MECHANISM_PTR pMechanism,
    CK_OBJECT_HANDLE hKey
);
#endif

/* Signs data so that it can be recovered from the signature. */
CK_PKCS11_FUNCTION_INFO( C_SignRecover )
#ifdef CK_NEED_ARG_LIST
(
    CK_SESSION_HANDLE hSession,
    CK_BYTE_PTR pData,
    CK_ULONG ulDataLen,
    CK_BYTE_PTR pSignature,
    CK_ULONG_PTR pulSignatureLen
);
#endif

/* ---- Verifying signatures and MACs ---- */

/* Starts a verification (signature as an appendix). */
CK_PKCS11_FUNCTION_INFO( C_VerifyInit )
#ifdef CK_NEED_ARG_LIST
(
    CK_SESSION_HANDLE hSession,
    CK_MECHANISM_PTR pMechanism,
    CK_OBJECT_HANDLE hKey
);
#endif

/* Verifies a signature in one part. */
CK_PKCS11_FUNCTION_INFO( C_Verify )
#ifdef CK_NEED_ARG_LIST
(
    CK_SESSION_HANDLE hSession,
    CK_BYTE_PTR pData,
    CK_ULONG ulDataLen,
    CK_BYTE_PTR pSignature,
    CK_ULONG ulSignatureLen
);
#endif

/* Continues a multi-part verification. */
CK_PKCS11_FUNCTION_INFO( C_VerifyUpdate )
#ifdef CK_NEED_ARG_LIST
(
    CK_SESSION_HANDLE hSession,
    CK_BYTE_PTR pPart,
    CK_ULONG ulPartLen
);
#endif

/* Finishes a multi-part verification. */
CK_PKCS11_FUNCTION_INFO( C_VerifyFinal )
#ifdef CK_NEED_ARG_LIST
(
    CK_SESSION_HANDLE hSession,
    CK_BYTE_PTR pSignature,
    CK_ULONG ulSignatureLen
);
#endif

/* Starts a verification that recovers the data. */
CK_PKCS11_FUNCTION_INFO( C_VerifyRecoverInit )
#ifdef CK_NEED_ARG_LIST
(
    CK_SESSION_HANDLE hSession,
    CK_MECHANISM_PTR pMechanism,
    CK_OBJECT_HANDLE hKey
);
#endif

/* Verifies a signature and recovers the data. */
CK_PKCS11_FUNCTION_INFO( C_VerifyRecover )
#ifdef CK_NEED_ARG_LIST
(
    CK_SESSION_HANDLE hSession,
    CK_BYTE_PTR pSignature,
    CK_ULONG ulSignatureLen,
    CK_BYTE_PTR pData,
    CK_ULONG_PTR pulDataLen
);
#endif

/* ---- Dual-function cryptographic operations ---- */

/* Continues a combined digest and encryption. */
CK_PKCS11_FUNCTION_INFO( C_DigestEncryptUpdate )
#ifdef CK_NEED_ARG_LIST
(
    CK_SESSION_HANDLE hSession,
    CK_BYTE_PTR pPart,
    CK_ULONG ulPartLen,
    CK_BYTE_PTR pEncryptedPart,
    CK_ULONG_PTR pulEncryptedPartLen
);
#endif

/* Continues a combined decryption and digest. */
CK_PKCS11_FUNCTION_INFO( C_DecryptDigestUpdate )
#ifdef CK_NEED_ARG_LIST
(
    CK_SESSION_HANDLE hSession,
    CK_BYTE_PTR pEncryptedPart,
    CK_ULONG ulEncryptedPartLen,
    CK_BYTE_PTR pPart,
    CK_ULONG_PTR pulPartLen
);
#endif

/* Continues a combined signature and encryption. */
CK_PKCS11_FUNCTION_INFO( C_SignEncryptUpdate )
#ifdef CK_NEED_ARG_LIST
(
    CK_SESSION_HANDLE hSession,
    CK_BYTE_PTR pPart,
    CK_ULONG ulPartLen,
    CK_BYTE_PTR pEncryptedPart,
    CK_ULONG_PTR pulEncryptedPartLen
);
#endif

/* Continues a combined decryption and verification. */
CK_PKCS11_FUNCTION_INFO( C_DecryptVerifyUpdate )
#ifdef CK_NEED_ARG_LIST
(
    CK_SESSION_HANDLE hSession,
    CK_BYTE_PTR pEncryptedPart,
    CK_ULONG ulEncryptedPartLen,
    CK_BYTE_PTR pPart,
    CK_ULONG_PTR pulPartLen
);
#endif

/* ---- Key management ---- */

/* Generates a secret key. */
CK_PKCS11_FUNCTION_INFO( C_GenerateKey )
#ifdef CK_NEED_ARG_LIST
(
    CK_SESSION_HANDLE hSession,
    CK_MECHANISM_PTR pMechanism,
    CK_ATTRIBUTE_PTR pTemplate,
    CK_ULONG ulCount,
    CK_OBJECT_HANDLE_PTR phKey
);
#endif

/* Generates a public/private key pair. */
CK_PKCS11_FUNCTION_INFO( C_GenerateKeyPair )
#ifdef CK_NEED_ARG_LIST
(
    CK_SESSION_HANDLE hSession,
    CK_MECHANISM_PTR pMechanism,
    CK_ATTRIBUTE_PTR pPublicKeyTemplate,
    CK_ULONG ulPublicKeyAttributeCount,
    CK_ATTRIBUTE_PTR pPrivateKeyTemplate,
    CK_ULONG ulPrivateKeyAttributeCount,
    CK_OBJECT_HANDLE_PTR phPublicKey,
    CK_OBJECT_HANDLE_PTR phPrivateKey
);
#endif

/* Wraps (encrypts) a key. */
CK_PKCS11_FUNCTION_INFO( C_WrapKey )
#ifdef CK_NEED_ARG_LIST
(
    CK_SESSION_HANDLE hSession,
    CK_MECHANISM_PTR pMechanism,
    CK_OBJECT_HANDLE hWrappingKey,
    CK_OBJECT_HANDLE hKey,
    CK_BYTE_PTR pWrappedKey,
    CK_ULONG_PTR pulWrappedKeyLen
);
#endif

/* Unwraps (decrypts) a key, creating a key object. */
CK_PKCS11_FUNCTION_INFO( C_UnwrapKey )
#ifdef CK_NEED_ARG_LIST
(
    CK_SESSION_HANDLE hSession,
    CK_MECHANISM_PTR pMechanism,
    CK_OBJECT_HANDLE hUnwrappingKey,
    CK_BYTE_PTR pWrappedKey,
    CK_ULONG ulWrappedKeyLen,
    CK_ATTRIBUTE_PTR pTemplate,
    CK_ULONG ulAttributeCount,
    CK_OBJECT_HANDLE_PTR phKey
);
#endif

/* Derives a key from a base key. */
CK_PKCS11_FUNCTION_INFO( C_DeriveKey )
#ifdef CK_NEED_ARG_LIST
(
    CK_SESSION_HANDLE hSession,
    CK_MECHANISM_PTR pMechanism,
    CK_OBJECT_HANDLE hBaseKey,
    CK_ATTRIBUTE_PTR pTemplate,
    CK_ULONG ulAttributeCount,
    CK_OBJECT_HANDLE_PTR phKey
);
#endif

/* ---- Random number generation ---- */

/* Mixes seed material into the token's random number generator. */
CK_PKCS11_FUNCTION_INFO( C_SeedRandom )
#ifdef CK_NEED_ARG_LIST
(
    CK_SESSION_HANDLE hSession,
    CK_BYTE_PTR pSeed,
    CK_ULONG ulSeedLen
);
#endif

/* Generates random bytes. */
CK_PKCS11_FUNCTION_INFO( C_GenerateRandom )
#ifdef CK_NEED_ARG_LIST
(
    CK_SESSION_HANDLE hSession,
    CK_BYTE_PTR RandomData,
    CK_ULONG ulRandomLen
);
#endif

/* ---- Parallel function management (legacy) ---- */

/* Legacy: status of a function running in parallel. */
CK_PKCS11_FUNCTION_INFO( C_GetFunctionStatus )
#ifdef CK_NEED_ARG_LIST
(
    CK_SESSION_HANDLE hSession
);
#endif

/* Legacy: cancels a function running in parallel. */
CK_PKCS11_FUNCTION_INFO( C_CancelFunction )
#ifdef CK_NEED_ARG_LIST
(
    CK_SESSION_HANDLE hSession
);
#endif

/* ---- Slot events ---- */

/* Waits for a slot event (CKF_DONT_BLOCK polls). */
CK_PKCS11_FUNCTION_INFO( C_WaitForSlotEvent )
#ifdef CK_NEED_ARG_LIST
(
    CK_FLAGS flags,
    CK_SLOT_ID_PTR pSlot,
    CK_VOID_PTR pReserved
);
#endif
