/*
 * core-pkcs11 QEMU mps2 port: mbedtls_hardware_poll() on the host's
 * /dev/urandom, read through semihosting.
 *
 * SPDX-License-Identifier: MIT
 * Copyright (c) the core-pkcs11 authors.
 *
 * The emulated board has no TRNG; the host's generator stands in for it. If
 * the file cannot be opened (QEMU started without semihosting, or a host
 * without /dev/urandom) or a read fails, the poll fails and the token's DRBG
 * refuses to seed: never a constant. A real board replaces this file with its
 * TRNG driver (the function mbedTLS ports already provide).
 */

#include <stddef.h>
#include <stdint.h>

#include "core_pkcs11_port.h"
#include "mps2_entropy.h"
#include "semihosting.h"

#ifndef MPS2_ENTROPY_SOURCE
    #define MPS2_ENTROPY_SOURCE    "/dev/urandom"
#endif

static volatile int32_t lEntropyHandle = -1;

int32_t lMps2EntropyInit( void )
{
    int32_t lHandle = lEntropyHandle;

    if( lHandle < 0 )
    {
        lHandle = lSemihostingOpen( MPS2_ENTROPY_SOURCE, SH_MODE_RB );

        if( lHandle >= 0 )
        {
            lEntropyHandle = lHandle;
        }
    }

    return ( lHandle >= 0 ) ? 0 : -1;
}

int mbedtls_hardware_poll( void * data,
                           unsigned char * output,
                           size_t len,
                           size_t * olen )
{
    int32_t lRead;

    ( void ) data;

    if( olen != NULL )
    {
        *olen = 0;
    }

    if( ( output == NULL ) || ( olen == NULL ) )
    {
        return -1;
    }

    if( len == 0U )
    {
        return 0;
    }

    /* Normally opened by lMps2EntropyInit() before the scheduler starts; the
     * library calls this under its own mutex, so a late open is safe too. */
    if( lMps2EntropyInit() != 0 )
    {
        return -1;
    }

    if( len > 0x7FFFFFFFU )
    {
        len = 0x7FFFFFFFU;
    }

    lRead = lSemihostingRead( lEntropyHandle, output, ( uint32_t ) len );

    if( lRead <= 0 )
    {
        return -1;
    }

    *olen = ( size_t ) lRead;
    return 0;
}
