/*
 * core-pkcs11: PKCS #11 v2.40 (errata 1) main header.
 *
 * SPDX-License-Identifier: MIT
 * Copyright (c) the core-pkcs11 authors.
 *
 * Written for core-pkcs11 from the PKCS #11 v2.40 specification; the layout
 * (pkcs11.h including pkcs11t.h and, as an X-macro list, pkcs11f.h) is the
 * standard one, so code written against the OASIS headers compiles unchanged.
 *
 * Applications include core_pkcs11.h, which defines the platform macros this
 * file needs and then includes it. Anyone including pkcs11.h directly must
 * first define:
 *
 *   CK_PTR                                       pointer indirection, e.g. `*`
 *   CK_DECLARE_FUNCTION( rv, name )              function declaration, e.g. `rv name`
 *   CK_DECLARE_FUNCTION_POINTER( rv, name )      function pointer, e.g. `rv (* name)`
 *   CK_CALLBACK_FUNCTION( rv, name )             callback pointer, e.g. `rv (* name)`
 *   NULL_PTR                                     the null pointer, e.g. `0`
 *
 * and select the structure packing of the platform's PKCS #11 ABI.
 */

#ifndef _PKCS11_H_
#define _PKCS11_H_    1

#ifdef __cplusplus
extern "C" {
#endif

/* Types, constants and parameter structures. */
#include "pkcs11t.h"

/* Token pasting helper used to form the CK_C_* type names. */
#define __PASTE( x, y )    x ## y

/* 1. Prototypes of every C_* entry point:
 *    extern CK_RV C_Initialize( CK_VOID_PTR pInitArgs ); ... */
#define CK_NEED_ARG_LIST    1
#define CK_PKCS11_FUNCTION_INFO( name ) \
    extern CK_DECLARE_FUNCTION( CK_RV, name )
#include "pkcs11f.h"
#undef CK_NEED_ARG_LIST
#undef CK_PKCS11_FUNCTION_INFO

/* 2. A pointer type CK_C_XXX for every entry point C_XXX:
 *    typedef CK_RV ( * CK_C_Initialize )( CK_VOID_PTR pInitArgs ); ... */
#define CK_NEED_ARG_LIST    1
#define CK_PKCS11_FUNCTION_INFO( name ) \
    typedef CK_DECLARE_FUNCTION_POINTER( CK_RV, __PASTE( CK_, name ) )
#include "pkcs11f.h"
#undef CK_NEED_ARG_LIST
#undef CK_PKCS11_FUNCTION_INFO

/* 3. The function list: the Cryptoki version followed by one pointer per entry
 *    point, in the order of pkcs11f.h (declared in pkcs11t.h). */
#define CK_PKCS11_FUNCTION_INFO( name ) \
    __PASTE( CK_, name ) name;

struct CK_FUNCTION_LIST
{
    CK_VERSION version; /* Cryptoki version of the library */
#include "pkcs11f.h"
};

#undef CK_PKCS11_FUNCTION_INFO

#undef __PASTE

#ifdef __cplusplus
}
#endif

#endif /* _PKCS11_H_ */
