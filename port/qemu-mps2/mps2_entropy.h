/*
 * core-pkcs11 QEMU mps2 port: entropy from the host (see mps2_entropy.c).
 *
 * SPDX-License-Identifier: MIT
 * Copyright (c) the core-pkcs11 authors.
 */

#ifndef MPS2_ENTROPY_H_
#define MPS2_ENTROPY_H_

#include <stdint.h>

/* Opens the host's /dev/urandom; 0 on success, -1 if it cannot be opened
 * (then mbedtls_hardware_poll() fails too). */
int32_t lMps2EntropyInit( void );

#endif /* MPS2_ENTROPY_H_ */
