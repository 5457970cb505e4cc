/*
 * core-pkcs11 QEMU mps2 port: CMSDK APB UART0 console.
 *
 * SPDX-License-Identifier: MIT
 * Copyright (c) the core-pkcs11 authors.
 */

#ifndef MPS2_UART_H_
#define MPS2_UART_H_

#include <stddef.h>

/* Enables UART0's transmitter (0x40004000). Call once before printing. */
void vMps2UartInit( void );

/* Sends one byte, waiting while the transmit buffer is full. */
void vMps2UartPutChar( char cByte );

/* Sends xLength bytes. */
void vMps2UartWrite( const char * pcData,
                     size_t xLength );

#endif /* MPS2_UART_H_ */
