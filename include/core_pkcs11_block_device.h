/*
 * core-pkcs11: persistent object storage on a raw flash block device.
 *
 * SPDX-License-Identifier: MIT
 * Copyright (c) the core-pkcs11 authors.
 *
 * Include core_pkcs11.h before this header (for CK_RV).
 */

#ifndef CORE_PKCS11_BLOCK_DEVICE_H_
#define CORE_PKCS11_BLOCK_DEVICE_H_

#include <stdint.h>

#include "core_pkcs11.h"

/* *INDENT-OFF* */
#ifdef __cplusplus
    extern "C" {
#endif
/* *INDENT-ON* */

/**
 * @file core_pkcs11_block_device.h
 * @brief How a device hands its flash to core-pkcs11 for persistent token
 * objects.
 *
 * The library keeps the token's state and each token object as one file of a
 * littlefs file system on the block device described here: directory /p11,
 * one file per object. Every change is atomic: after a power cut at any
 * instant, each object is entirely its old or entirely its new version.
 *
 * The device is a region of flash (a partition) of ulBlockCount erasable
 * blocks of ulBlockSize bytes each; block numbers and offsets are relative to
 * the start of that region. On first use a blank region is formatted. A region
 * that holds something else (another file system, or a littlefs image made
 * with another block size or count) is never erased: C_Initialize fails with
 * CKR_DEVICE_ERROR instead. A blank region is recognised when every block but
 * the first two reads as one uniform value (0xFF or 0x00 flash both work). An
 * image prepared on a host with the same geometry (core-pkcs11's host image
 * file) can be programmed onto the region as it is.
 *
 * Callbacks: each returns 0 on success and a negative value on error. They are
 * called from the task that calls a PKCS #11 function (C_Initialize, and any
 * call that changes a token object or the token's PINs), with the library's
 * lock held: never two at once, so they need no locking of their own unless
 * the application uses the same flash elsewhere. They must not call back into
 * the library.
 */

/**
 * @brief A flash block device: callbacks and geometry.
 */
typedef struct CorePkcs11BlockDevice
{
    /** @brief Passed unchanged to every callback; may be NULL. Must stay valid
     * until C_Finalize returns. */
    void * pvContext;

    /**
     * @brief Reads @p ulSize bytes at @p ulOffset in block @p ulBlock into
     * @p pvBuffer. @p ulOffset and @p ulSize are multiples of ulReadSize and
     * stay inside the block. Required.
     */
    int32_t ( * xRead )( void * pvContext,
                         uint32_t ulBlock,
                         uint32_t ulOffset,
                         void * pvBuffer,
                         uint32_t ulSize );

    /**
     * @brief Programs @p ulSize bytes from @p pvBuffer at @p ulOffset in block
     * @p ulBlock. The bytes were erased before. @p ulOffset and @p ulSize are
     * multiples of ulProgramSize and stay inside the block. Required.
     */
    int32_t ( * xProgram )( void * pvContext,
                            uint32_t ulBlock,
                            uint32_t ulOffset,
                            const void * pvBuffer,
                            uint32_t ulSize );

    /** @brief Erases block @p ulBlock. Required. */
    int32_t ( * xErase )( void * pvContext,
                          uint32_t ulBlock );

    /**
     * @brief Makes every completed program and erase durable (flushes the
     * driver's own write cache). NULL if the driver has nothing to flush.
     */
    int32_t ( * xSync )( void * pvContext );

    /** @brief Smallest read in bytes (at least 1). */
    uint32_t ulReadSize;

    /** @brief Smallest program in bytes (at least 1). */
    uint32_t ulProgramSize;

    /** @brief Erasable block size in bytes: at least 128, and a multiple of
     * ulReadSize and ulProgramSize. A block may span several physical sectors
     * (erase them all in xErase). */
    uint32_t ulBlockSize;

    /** @brief Number of blocks (at least 6). */
    uint32_t ulBlockCount;
} CorePkcs11BlockDevice_t;

/**
 * @brief Gives the library the block device that holds the token's objects.
 *
 * Call it before C_Initialize (or xInitializePKCS11): C_Initialize mounts the
 * device, formatting it if it is blank. The library copies the structure, so
 * it may live on the stack; pvContext must stay valid. A call made while the
 * library is initialised takes effect at the next C_Initialize. Without a call
 * the token's objects are kept in RAM only.
 *
 * @param[in] pxDevice The device.
 *
 * @return CKR_OK; CKR_ARGUMENTS_BAD if @p pxDevice is NULL, xRead, xProgram or
 * xErase is NULL, or the geometry breaks a rule above.
 */
CK_RV xCorePkcs11SetBlockDevice( const CorePkcs11BlockDevice_t * pxDevice );

/* *INDENT-OFF* */
#ifdef __cplusplus
    }
#endif
/* *INDENT-ON* */

#endif /* CORE_PKCS11_BLOCK_DEVICE_H_ */
