/*
 * core-pkcs11 FreeRTOS demo: what the three firmware images share
 * (common/demo_main.c).
 *
 * SPDX-License-Identifier: MIT
 * Copyright (c) the core-pkcs11 authors.
 */

#ifndef DEMO_H_
#define DEMO_H_

#include <stddef.h>
#include <stdint.h>

/* Each image defines these: its name (printed at boot) and the body of its
 * task. The return value is the emulation's exit code (0 = success). */
extern const char * const pcDemoName;
int lDemoRun( void );

/* The host image file of the token's block device: the second argument given
 * to QEMU with -semihosting-config ...,arg=<image name>,arg=<path>, else
 * DEMO_DEFAULT_IMAGE in QEMU's working directory. */
const char * pcDemoImagePath( void );

/* Opens the image file and hands the block device to the library with
 * xCorePkcs11SetBlockDevice() (call before C_Initialize). Returns 1 if
 * attached, 0 if this build has no persistence (CORE_PKCS11_DEMO_PERSISTENCE
 * 0: the library keeps its objects in RAM), negative on error. *pxCreated
 * (may be NULL) tells whether the image file was new. */
int32_t lDemoAttachStorage( int32_t * pxCreated );

/* Prints pcLabel and the bytes in hex, 32 a line. */
void vDemoPrintHex( const char * pcLabel,
                    const uint8_t * pucData,
                    size_t xLength );

/* Stack measurement of the calling task: vDemoStackMark() refills the unused
 * part of the stack with FreeRTOS's fill byte, so that the next
 * xDemoStackPeakBytes() tells how deep the stack went since. */
void vDemoStackMark( void );
size_t xDemoStackPeakBytes( void );

/* Prints the demo task's stack peak and the heap's peak use since boot. */
void vDemoPrintResources( void );

/* Size of the demo task's stack in bytes. */
size_t xDemoStackSizeBytes( void );

#endif /* DEMO_H_ */
