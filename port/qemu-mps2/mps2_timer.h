/*
 * core-pkcs11 QEMU mps2 port: a free-running 32-bit counter on CMSDK APB
 * TIMER1 (0x40001000), for measurements.
 *
 * SPDX-License-Identifier: MIT
 * Copyright (c) the core-pkcs11 authors.
 *
 * The timer counts at the 25 MHz peripheral clock of virtual time. Under QEMU's
 * -icount shift=0 one instruction takes one virtual nanosecond, so one tick is
 * 40 instructions (MPS2_TIMER_INSTRUCTIONS_PER_TICK) and readings repeat from
 * run to run. Without -icount the counter follows the host's clock.
 */

#ifndef MPS2_TIMER_H_
#define MPS2_TIMER_H_

#include <stdint.h>

#define MPS2_TIMER_HZ                        25000000UL
#define MPS2_TIMER_INSTRUCTIONS_PER_TICK     ( 1000000000UL / MPS2_TIMER_HZ )

/* Starts the counter (no interrupt). */
void vMps2TimerStart( void );

/* Ticks since vMps2TimerStart(), wrapping after 2^32 (about 171 s). */
uint32_t ulMps2TimerTicks( void );

#endif /* MPS2_TIMER_H_ */
