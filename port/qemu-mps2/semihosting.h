/*
 * core-pkcs11 QEMU mps2 port: Arm semihosting calls (bkpt 0xAB on M-profile).
 *
 * SPDX-License-Identifier: MIT
 * Copyright (c) the core-pkcs11 authors.
 *
 * QEMU serves these with -semihosting-config enable=on,target=native: files
 * are the host's, relative to QEMU's working directory.
 */

#ifndef MPS2_SEMIHOSTING_H_
#define MPS2_SEMIHOSTING_H_

#include <stddef.h>
#include <stdint.h>

/* Open modes of SYS_OPEN (the index into fopen's mode strings). */
#define SH_MODE_R       0U    /* "r"   */
#define SH_MODE_RB      1U    /* "rb"  */
#define SH_MODE_RPB     3U    /* "r+b" */
#define SH_MODE_WB      5U    /* "wb"  */
#define SH_MODE_WPB     7U    /* "w+b" */

/* Opens a host file; returns a handle (>= 0) or -1. */
int32_t lSemihostingOpen( const char * pcPath,
                          uint32_t ulMode );

/* Closes a handle; 0 on success. */
int32_t lSemihostingClose( int32_t lHandle );

/* Reads up to ulLength bytes; returns the number of bytes read, -1 on error. */
int32_t lSemihostingRead( int32_t lHandle,
                          void * pvBuffer,
                          uint32_t ulLength );

/* Writes ulLength bytes; returns the number written, -1 on error. */
int32_t lSemihostingWrite( int32_t lHandle,
                           const void * pvBuffer,
                           uint32_t ulLength );

/* Moves to an absolute position; 0 on success. */
int32_t lSemihostingSeek( int32_t lHandle,
                          uint32_t ulPosition );

/* Length of the file, -1 on error. */
int32_t lSemihostingFileLength( int32_t lHandle );

/* The host errno of the last failed call. */
int32_t lSemihostingErrno( void );

/* Copies the command line given to QEMU with -semihosting-config arg=...
 * (the arguments joined by spaces) into pcBuffer; 0 on success. */
int32_t lSemihostingGetCommandLine( char * pcBuffer,
                                    uint32_t ulSize );

/* Ends the emulation with an exit code (SYS_EXIT_EXTENDED). */
void vSemihostingExit( int32_t lCode ) __attribute__( ( noreturn ) );

/* Writes a NUL-terminated string to the host's console (SYS_WRITE0). */
void vSemihostingWrite0( const char * pcText );

#endif /* MPS2_SEMIHOSTING_H_ */
