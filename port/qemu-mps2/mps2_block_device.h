/*
 * core-pkcs11 QEMU mps2 port: a block device (emulated NOR flash) on a host
 * image file, through semihosting.
 *
 * SPDX-License-Identifier: MIT
 * Copyright (c) the core-pkcs11 authors.
 */

#ifndef MPS2_BLOCK_DEVICE_H_
#define MPS2_BLOCK_DEVICE_H_

#include <stdint.h>

#include "core_pkcs11.h"

#include "core_pkcs11_block_device.h"

/* Geometry: 256 blocks of 4096 bytes (1 MiB), reads and programs in units of
 * 16 bytes, like a small external NOR flash. */
#define MPS2_BLOCK_SIZE       4096U
#define MPS2_BLOCK_COUNT      256U
#define MPS2_READ_SIZE        16U
#define MPS2_PROGRAM_SIZE     16U

/* Error codes (negative, as littlefs has them). */
#define MPS2_BD_ERR_IO        ( -5 )
#define MPS2_BD_ERR_INVAL     ( -22 )

/* When 1, programming only clears bits (new = old AND data), as NOR flash
 * does, so that a program without an erase first shows up as corrupt data.
 * Default 0: a program writes the data as given. */
#ifndef MPS2_BLOCK_DEVICE_NOR_SEMANTICS
    #define MPS2_BLOCK_DEVICE_NOR_SEMANTICS    0
#endif

typedef struct Mps2BlockDevice
{
    int32_t lHandle;         /* semihosting handle of the image file */
    uint32_t ulReads;        /* statistics: calls of each kind */
    uint32_t ulPrograms;
    uint32_t ulErases;
    uint32_t ulSyncs;
} Mps2BlockDevice_t;

/* Opens the image file pcPath (creating it filled with 0xFF when absent, and
 * extending a short one with 0xFF) and fills *pxDevice with the callbacks.
 * Returns 0 on success, a negative error otherwise. *pxCreated (may be NULL)
 * tells whether the file was created. */
int32_t lMps2BlockDeviceOpen( Mps2BlockDevice_t * pxContext,
                              CorePkcs11BlockDevice_t * pxDevice,
                              const char * pcPath,
                              int32_t * pxCreated );

/* Closes the image file. */
void vMps2BlockDeviceClose( Mps2BlockDevice_t * pxContext );

#endif /* MPS2_BLOCK_DEVICE_H_ */
