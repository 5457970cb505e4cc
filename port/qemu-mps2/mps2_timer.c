/*
 * core-pkcs11 QEMU mps2 port: free-running counter on CMSDK APB TIMER1.
 *
 * SPDX-License-Identifier: MIT
 * Copyright (c) the core-pkcs11 authors.
 */

#include "mps2_timer.h"

#define TIMER1_BASE     0x40001000UL
#define TIMER_CTRL      ( *( volatile uint32_t * ) ( TIMER1_BASE + 0x00U ) )
#define TIMER_VALUE     ( *( volatile uint32_t * ) ( TIMER1_BASE + 0x04U ) )
#define TIMER_RELOAD    ( *( volatile uint32_t * ) ( TIMER1_BASE + 0x08U ) )

#define TIMER_CTRL_ENABLE    ( 1UL << 0 )

void vMps2TimerStart( void )
{
    TIMER_CTRL = 0U;
    TIMER_RELOAD = 0xFFFFFFFFUL;
    TIMER_VALUE = 0xFFFFFFFFUL;
    TIMER_CTRL = TIMER_CTRL_ENABLE;
}

uint32_t ulMps2TimerTicks( void )
{
    /* The counter counts down from 0xFFFFFFFF. */
    return 0xFFFFFFFFUL - TIMER_VALUE;
}
