/*
 * core-pkcs11: a small corePKCS11 PAL port for the tests, in the style of the
 * reference's POSIX port: each object is one file in the working directory,
 * named after its label, and a handle is the object's slot in a fixed table.
 * The library built with the cargo feature "pal" keeps its token objects here.
 *
 * SPDX-License-Identifier: MIT
 * Copyright (c) the core-pkcs11 authors.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core_pkcs11.h"
#include "core_pkcs11_pal.h"

#define PAL_MAX_OBJECTS      32U
#define PAL_MAX_LABEL        64U

static char prvLabels[ PAL_MAX_OBJECTS ][ PAL_MAX_LABEL + 1U ];

/* File name for a label: "pal_" then the label in hex. */
static void prvFileName( const CK_BYTE * pucLabel,
                         CK_ULONG ulLen,
                         char * pcName,
                         size_t xSize )
{
    size_t i;
    size_t xPos = ( size_t ) snprintf( pcName, xSize, "pal_" );

    for( i = 0; ( i < ulLen ) && ( ( xPos + 3U ) < xSize ); i++ )
    {
        xPos += ( size_t ) snprintf( pcName + xPos, xSize - xPos, "%02x", pucLabel[ i ] );
    }
}

/* Slot of a label in the table, added if asked; PAL_MAX_OBJECTS if none. */
static CK_ULONG prvSlot( const CK_BYTE * pucLabel,
                         CK_ULONG ulLen,
                         int xAdd )
{
    CK_ULONG i;

    if( ( ulLen == 0U ) || ( ulLen > PAL_MAX_LABEL ) )
    {
        return PAL_MAX_OBJECTS;
    }

    for( i = 0; i < PAL_MAX_OBJECTS; i++ )
    {
        if( ( strlen( prvLabels[ i ] ) == ulLen ) && ( memcmp( prvLabels[ i ], pucLabel, ulLen ) == 0 ) )
        {
            return i;
        }
    }

    if( xAdd != 0 )
    {
        for( i = 0; i < PAL_MAX_OBJECTS; i++ )
        {
            if( prvLabels[ i ][ 0 ] == '\0' )
            {
                memcpy( prvLabels[ i ], pucLabel, ulLen );
                prvLabels[ i ][ ulLen ] = '\0';
                return i;
            }
        }
    }

    return PAL_MAX_OBJECTS;
}

CK_RV PKCS11_PAL_Initialize( void )
{
    memset( prvLabels, 0, sizeof( prvLabels ) );
    return CKR_OK;
}

CK_OBJECT_HANDLE PKCS11_PAL_SaveObject( CK_ATTRIBUTE_PTR pxLabel,
                                        CK_BYTE_PTR pucData,
                                        CK_ULONG ulDataSize )
{
    char acName[ 2U * PAL_MAX_LABEL + 8U ];
    char acTemp[ 2U * PAL_MAX_LABEL + 16U ];
    CK_ULONG ulSlot;
    FILE * pxFile;
    int xOk;

    if( ( pxLabel == NULL ) || ( pxLabel->pValue == NULL ) || ( pucData == NULL ) )
    {
        return CK_INVALID_HANDLE;
    }

    ulSlot = prvSlot( pxLabel->pValue, pxLabel->ulValueLen, 1 );

    if( ulSlot == PAL_MAX_OBJECTS )
    {
        return CK_INVALID_HANDLE;
    }

    /* Write a temporary file, then rename it over the old one. */
    prvFileName( pxLabel->pValue, pxLabel->ulValueLen, acName, sizeof( acName ) );
    ( void ) snprintf( acTemp, sizeof( acTemp ), "%s.tmp", acName );
    pxFile = fopen( acTemp, "wb" );

    if( pxFile == NULL )
    {
        return CK_INVALID_HANDLE;
    }

    xOk = ( fwrite( pucData, 1, ulDataSize, pxFile ) == ulDataSize );
    xOk = ( fclose( pxFile ) == 0 ) && xOk;

    if( !xOk || ( rename( acTemp, acName ) != 0 ) )
    {
        ( void ) remove( acTemp );
        return CK_INVALID_HANDLE;
    }

    return ulSlot + 1U;
}

CK_RV PKCS11_PAL_DestroyObject( CK_OBJECT_HANDLE xHandle )
{
    char acName[ 2U * PAL_MAX_LABEL + 8U ];

    if( ( xHandle == CK_INVALID_HANDLE ) || ( xHandle > PAL_MAX_OBJECTS ) || ( prvLabels[ xHandle - 1U ][ 0 ] == '\0' ) )
    {
        return CKR_OBJECT_HANDLE_INVALID;
    }

    prvFileName( ( const CK_BYTE * ) prvLabels[ xHandle - 1U ], strlen( prvLabels[ xHandle - 1U ] ), acName, sizeof( acName ) );

    if( remove( acName ) != 0 )
    {
        return CKR_FUNCTION_FAILED;
    }

    prvLabels[ xHandle - 1U ][ 0 ] = '\0';
    return CKR_OK;
}

CK_OBJECT_HANDLE PKCS11_PAL_FindObject( CK_BYTE_PTR pxLabel,
                                        CK_ULONG usLength )
{
    char acName[ 2U * PAL_MAX_LABEL + 8U ];
    CK_ULONG ulSlot;
    FILE * pxFile;

    if( pxLabel == NULL )
    {
        return CK_INVALID_HANDLE;
    }

    prvFileName( pxLabel, usLength, acName, sizeof( acName ) );
    pxFile = fopen( acName, "rb" );

    if( pxFile == NULL )
    {
        return CK_INVALID_HANDLE;
    }

    ( void ) fclose( pxFile );
    ulSlot = prvSlot( pxLabel, usLength, 1 );
    return ( ulSlot == PAL_MAX_OBJECTS ) ? CK_INVALID_HANDLE : ulSlot + 1U;
}

CK_RV PKCS11_PAL_GetObjectValue( CK_OBJECT_HANDLE xHandle,
                                 CK_BYTE_PTR * ppucData,
                                 CK_ULONG_PTR pulDataSize,
                                 CK_BBOOL * pIsPrivate )
{
    char acName[ 2U * PAL_MAX_LABEL + 8U ];
    FILE * pxFile;
    long lSize;
    CK_BYTE_PTR pucData;

    if( ( xHandle == CK_INVALID_HANDLE ) || ( xHandle > PAL_MAX_OBJECTS ) || ( prvLabels[ xHandle - 1U ][ 0 ] == '\0' ) ||
        ( ppucData == NULL ) || ( pulDataSize == NULL ) || ( pIsPrivate == NULL ) )
    {
        return CKR_OBJECT_HANDLE_INVALID;
    }

    prvFileName( ( const CK_BYTE * ) prvLabels[ xHandle - 1U ], strlen( prvLabels[ xHandle - 1U ] ), acName, sizeof( acName ) );
    pxFile = fopen( acName, "rb" );

    if( pxFile == NULL )
    {
        return CKR_OBJECT_HANDLE_INVALID;
    }

    ( void ) fseek( pxFile, 0, SEEK_END );
    lSize = ftell( pxFile );
    ( void ) fseek( pxFile, 0, SEEK_SET );
    pucData = ( lSize > 0 ) ? malloc( ( size_t ) lSize ) : NULL;

    if( ( pucData == NULL ) || ( fread( pucData, 1, ( size_t ) lSize, pxFile ) != ( size_t ) lSize ) )
    {
        free( pucData );
        ( void ) fclose( pxFile );
        return CKR_FUNCTION_FAILED;
    }

    ( void ) fclose( pxFile );
    *ppucData = pucData;
    *pulDataSize = ( CK_ULONG ) lSize;
    *pIsPrivate = CK_FALSE;
    return CKR_OK;
}

void PKCS11_PAL_GetObjectValueCleanup( CK_BYTE_PTR pucData,
                                       CK_ULONG ulDataSize )
{
    if( pucData != NULL )
    {
        memset( pucData, 0, ulDataSize );
        free( pucData );
    }
}
