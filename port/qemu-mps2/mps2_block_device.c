/*
 * core-pkcs11 QEMU mps2 port: a block device on a host image file, through
 * semihosting (SYS_OPEN, SYS_SEEK, SYS_READ, SYS_WRITE, SYS_FLEN).
 *
 * SPDX-License-Identifier: MIT
 * Copyright (c) the core-pkcs11 authors.
 *
 * The image is MPS2_BLOCK_COUNT blocks of MPS2_BLOCK_SIZE bytes; erased bytes
 * are 0xFF. QEMU's native semihosting writes straight to the host file, so
 * every program and erase is on the host when the call returns and xSync has
 * nothing left to do.
 */

#include <stddef.h>
#include <string.h>

#include "mps2_block_device.h"
#include "semihosting.h"

#define MPS2_IMAGE_SIZE    ( MPS2_BLOCK_SIZE * MPS2_BLOCK_COUNT )

/* Chunk used for erasing and for the NOR read-modify-write. */
#define MPS2_CHUNK         256U

static int32_t prvCheckRange( uint32_t ulBlock,
                              uint32_t ulOffset,
                              uint32_t ulSize,
                              uint32_t ulUnit )
{
    if( ( ulBlock >= MPS2_BLOCK_COUNT ) ||
        ( ulOffset > MPS2_BLOCK_SIZE ) ||
        ( ulSize > ( MPS2_BLOCK_SIZE - ulOffset ) ) ||
        ( ( ulOffset % ulUnit ) != 0U ) ||
        ( ( ulSize % ulUnit ) != 0U ) )
    {
        return MPS2_BD_ERR_INVAL;
    }

    return 0;
}

static int32_t prvSeek( const Mps2BlockDevice_t * pxContext,
                        uint32_t ulPosition )
{
    return ( lSemihostingSeek( pxContext->lHandle, ulPosition ) == 0 ) ? 0 : MPS2_BD_ERR_IO;
}

static int32_t prvRead( void * pvContext,
                        uint32_t ulBlock,
                        uint32_t ulOffset,
                        void * pvBuffer,
                        uint32_t ulSize )
{
    Mps2BlockDevice_t * pxContext = ( Mps2BlockDevice_t * ) pvContext;

    if( ( pxContext == NULL ) || ( pxContext->lHandle < 0 ) || ( ( pvBuffer == NULL ) && ( ulSize != 0U ) ) ||
        ( prvCheckRange( ulBlock, ulOffset, ulSize, MPS2_READ_SIZE ) != 0 ) )
    {
        return MPS2_BD_ERR_INVAL;
    }

    pxContext->ulReads++;

    if( ulSize == 0U )
    {
        return 0;
    }

    if( prvSeek( pxContext, ( ulBlock * MPS2_BLOCK_SIZE ) + ulOffset ) != 0 )
    {
        return MPS2_BD_ERR_IO;
    }

    return ( lSemihostingRead( pxContext->lHandle, pvBuffer, ulSize ) == ( int32_t ) ulSize ) ? 0 : MPS2_BD_ERR_IO;
}

static int32_t prvWriteAt( Mps2BlockDevice_t * pxContext,
                           uint32_t ulPosition,
                           const void * pvData,
                           uint32_t ulSize )
{
    if( prvSeek( pxContext, ulPosition ) != 0 )
    {
        return MPS2_BD_ERR_IO;
    }

    return ( lSemihostingWrite( pxContext->lHandle, pvData, ulSize ) == ( int32_t ) ulSize ) ? 0 : MPS2_BD_ERR_IO;
}

static int32_t prvProgram( void * pvContext,
                           uint32_t ulBlock,
                           uint32_t ulOffset,
                           const void * pvBuffer,
                           uint32_t ulSize )
{
    Mps2BlockDevice_t * pxContext = ( Mps2BlockDevice_t * ) pvContext;
    uint32_t ulPosition = ( ulBlock * MPS2_BLOCK_SIZE ) + ulOffset;

    if( ( pxContext == NULL ) || ( pxContext->lHandle < 0 ) || ( ( pvBuffer == NULL ) && ( ulSize != 0U ) ) ||
        ( prvCheckRange( ulBlock, ulOffset, ulSize, MPS2_PROGRAM_SIZE ) != 0 ) )
    {
        return MPS2_BD_ERR_INVAL;
    }

    pxContext->ulPrograms++;

#if ( MPS2_BLOCK_DEVICE_NOR_SEMANTICS != 0 )
    {
        const uint8_t * pucData = ( const uint8_t * ) pvBuffer;
        uint8_t aucOld[ MPS2_CHUNK ];
        uint32_t ulDone = 0;
        uint32_t ulChunk;
        uint32_t i;

        while( ulDone < ulSize )
        {
            ulChunk = ( ( ulSize - ulDone ) < MPS2_CHUNK ) ? ( ulSize - ulDone ) : MPS2_CHUNK;

            if( ( prvSeek( pxContext, ulPosition + ulDone ) != 0 ) ||
                ( lSemihostingRead( pxContext->lHandle, aucOld, ulChunk ) != ( int32_t ) ulChunk ) )
            {
                return MPS2_BD_ERR_IO;
            }

            for( i = 0; i < ulChunk; i++ )
            {
                aucOld[ i ] &= pucData[ ulDone + i ];
            }

            if( prvWriteAt( pxContext, ulPosition + ulDone, aucOld, ulChunk ) != 0 )
            {
                return MPS2_BD_ERR_IO;
            }

            ulDone += ulChunk;
        }

        return 0;
    }
#else
    if( ulSize == 0U )
    {
        return 0;
    }

    return prvWriteAt( pxContext, ulPosition, pvBuffer, ulSize );
#endif
}

static int32_t prvFill( Mps2BlockDevice_t * pxContext,
                        uint32_t ulPosition,
                        uint32_t ulSize )
{
    static const uint8_t aucErased[ MPS2_CHUNK ] =
    {
        /* 256 bytes of 0xFF. */
        [ 0 ... ( MPS2_CHUNK - 1U ) ] = 0xFFU
    };
    uint32_t ulChunk;

    while( ulSize > 0U )
    {
        ulChunk = ( ulSize < MPS2_CHUNK ) ? ulSize : MPS2_CHUNK;

        if( prvWriteAt( pxContext, ulPosition, aucErased, ulChunk ) != 0 )
        {
            return MPS2_BD_ERR_IO;
        }

        ulPosition += ulChunk;
        ulSize -= ulChunk;
    }

    return 0;
}

static int32_t prvErase( void * pvContext,
                         uint32_t ulBlock )
{
    Mps2BlockDevice_t * pxContext = ( Mps2BlockDevice_t * ) pvContext;

    if( ( pxContext == NULL ) || ( pxContext->lHandle < 0 ) || ( ulBlock >= MPS2_BLOCK_COUNT ) )
    {
        return MPS2_BD_ERR_INVAL;
    }

    pxContext->ulErases++;

    return prvFill( pxContext, ulBlock * MPS2_BLOCK_SIZE, MPS2_BLOCK_SIZE );
}

static int32_t prvSync( void * pvContext )
{
    Mps2BlockDevice_t * pxContext = ( Mps2BlockDevice_t * ) pvContext;

    if( ( pxContext == NULL ) || ( pxContext->lHandle < 0 ) )
    {
        return MPS2_BD_ERR_INVAL;
    }

    pxContext->ulSyncs++;

    /* Writes reach the host file at once (see the file comment). */
    return 0;
}

int32_t lMps2BlockDeviceOpen( Mps2BlockDevice_t * pxContext,
                              CorePkcs11BlockDevice_t * pxDevice,
                              const char * pcPath,
                              int32_t * pxCreated )
{
    int32_t lLength;

    if( pxCreated != NULL )
    {
        *pxCreated = 0;
    }

    if( ( pxContext == NULL ) || ( pxDevice == NULL ) || ( pcPath == NULL ) )
    {
        return MPS2_BD_ERR_INVAL;
    }

    memset( pxContext, 0, sizeof( *pxContext ) );
    memset( pxDevice, 0, sizeof( *pxDevice ) );

    /* An existing image is opened for update; an absent one is created. */
    pxContext->lHandle = lSemihostingOpen( pcPath, SH_MODE_RPB );

    if( pxContext->lHandle < 0 )
    {
        pxContext->lHandle = lSemihostingOpen( pcPath, SH_MODE_WPB );

        if( pxContext->lHandle < 0 )
        {
            return MPS2_BD_ERR_IO;
        }

        if( pxCreated != NULL )
        {
            *pxCreated = 1;
        }
    }

    lLength = lSemihostingFileLength( pxContext->lHandle );

    if( lLength < 0 )
    {
        vMps2BlockDeviceClose( pxContext );
        return MPS2_BD_ERR_IO;
    }

    /* A new (or short) image: the missing part reads as erased flash. */
    if( ( uint32_t ) lLength < MPS2_IMAGE_SIZE )
    {
        if( prvFill( pxContext, ( uint32_t ) lLength, MPS2_IMAGE_SIZE - ( uint32_t ) lLength ) != 0 )
        {
            vMps2BlockDeviceClose( pxContext );
            return MPS2_BD_ERR_IO;
        }
    }

    pxDevice->pvContext = pxContext;
    pxDevice->xRead = prvRead;
    pxDevice->xProgram = prvProgram;
    pxDevice->xErase = prvErase;
    pxDevice->xSync = prvSync;
    pxDevice->ulReadSize = MPS2_READ_SIZE;
    pxDevice->ulProgramSize = MPS2_PROGRAM_SIZE;
    pxDevice->ulBlockSize = MPS2_BLOCK_SIZE;
    pxDevice->ulBlockCount = MPS2_BLOCK_COUNT;

    return 0;
}

void vMps2BlockDeviceClose( Mps2BlockDevice_t * pxContext )
{
    if( ( pxContext != NULL ) && ( pxContext->lHandle >= 0 ) )
    {
        ( void ) lSemihostingClose( pxContext->lHandle );
        pxContext->lHandle = -1;
    }
}
