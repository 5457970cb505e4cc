/*
 * core-pkcs11 FreeRTOS demo: startup code for QEMU's mps2-an385 (Cortex-M3):
 * vector table, Reset_Handler (.data copy, .bss clear, constructors, main),
 * the FreeRTOS SVC/PendSV/SysTick handlers, and fault handlers that report on
 * the console and end the emulation.
 *
 * SPDX-License-Identifier: MIT
 * Copyright (c) the core-pkcs11 authors.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "semihosting.h"

/* Linker script symbols. */
extern uint32_t _estack;
extern uint32_t _sidata;
extern uint32_t _sdata;
extern uint32_t _edata;
extern uint32_t _sbss;
extern uint32_t _ebss;

extern int main( void );
extern void __libc_init_array( void );

/* FreeRTOS port handlers (portable/GCC/ARM_CM3/port.c). */
extern void vPortSVCHandler( void );
extern void xPortPendSVHandler( void );
extern void xPortSysTickHandler( void );

void Reset_Handler( void ) __attribute__( ( noreturn ) );
void Default_Handler( void );
void HardFault_Handler( void ) __attribute__( ( naked ) );
void vDemoFaultReport( const uint32_t * pulFrame,
                       uint32_t ulExcReturn ) __attribute__( ( used, noreturn ) );

#define NMI_Handler           Default_Handler
#define MemManage_Handler     HardFault_Handler
#define BusFault_Handler      HardFault_Handler
#define UsageFault_Handler    HardFault_Handler
#define DebugMon_Handler      Default_Handler

typedef void ( * Vector_t )( void );

/* 16 system exceptions and the board's 32 external interrupts. */
__attribute__( ( section( ".isr_vector" ), used ) )
const Vector_t axVectorTable[ 16 + 32 ] =
{
    ( Vector_t ) &_estack,
    Reset_Handler,
    NMI_Handler,
    HardFault_Handler,
    MemManage_Handler,
    BusFault_Handler,
    UsageFault_Handler,
    0,
    0,
    0,
    0,
    vPortSVCHandler,
    DebugMon_Handler,
    0,
    xPortPendSVHandler,
    xPortSysTickHandler,
    /* External interrupts: none used. */
    [ 16 ... ( 16 + 32 - 1 ) ] = Default_Handler
};

void Reset_Handler( void )
{
    uint32_t * pulSource = &_sidata;
    uint32_t * pulDest;

    for( pulDest = &_sdata; pulDest < &_edata; )
    {
        *pulDest++ = *pulSource++;
    }

    for( pulDest = &_sbss; pulDest < &_ebss; )
    {
        *pulDest++ = 0U;
    }

    /* Trap divisions by zero and unaligned multi-word accesses, and give the
     * configurable faults their own handlers (all report the same way). */
    *( volatile uint32_t * ) 0xE000ED14UL |= ( 1UL << 4 );                           /* CCR.DIV_0_TRP */
    *( volatile uint32_t * ) 0xE000ED24UL |= ( 1UL << 16 ) | ( 1UL << 17 ) | ( 1UL << 18 ); /* SHCSR: MEM/BUS/USG fault enable */

    __libc_init_array();

    exit( main() );
}

void Default_Handler( void )
{
    uint32_t ulIpsr;

    __asm__ volatile ( "mrs %0, ipsr" : "=r" ( ulIpsr ) );
    printf( "\nFATAL: unexpected exception %lu\n", ( unsigned long ) ( ulIpsr & 0x1FFU ) );
    vSemihostingExit( 6 );
}

/* Picks the stack the fault frame was pushed on (MSP or PSP) and reports. */
void HardFault_Handler( void )
{
    __asm__ volatile (
        "   tst lr, #4          \n"
        "   ite eq              \n"
        "   mrseq r0, msp       \n"
        "   mrsne r0, psp       \n"
        "   mov r1, lr          \n"
        "   ldr r2, =vDemoFaultReport \n"
        "   bx r2               \n"
        "   .ltorg              \n"
        );
}

void vDemoFaultReport( const uint32_t * pulFrame,
                       uint32_t ulExcReturn )
{
    uint32_t ulIpsr;
    uint32_t ulCfsr = *( volatile uint32_t * ) 0xE000ED28UL;
    uint32_t ulHfsr = *( volatile uint32_t * ) 0xE000ED2CUL;
    uint32_t ulMmfar = *( volatile uint32_t * ) 0xE000ED34UL;
    uint32_t ulBfar = *( volatile uint32_t * ) 0xE000ED38UL;

    __asm__ volatile ( "mrs %0, ipsr" : "=r" ( ulIpsr ) );
    printf( "\nFATAL: fault (exception %lu) pc=0x%08lx lr=0x%08lx sp=0x%08lx exc_return=0x%08lx\n"
            "       CFSR=0x%08lx HFSR=0x%08lx MMFAR=0x%08lx BFAR=0x%08lx\n",
            ( unsigned long ) ( ulIpsr & 0x1FFU ),
            ( unsigned long ) pulFrame[ 6 ], ( unsigned long ) pulFrame[ 5 ],
            ( unsigned long ) pulFrame, ( unsigned long ) ulExcReturn,
            ( unsigned long ) ulCfsr, ( unsigned long ) ulHfsr,
            ( unsigned long ) ulMmfar, ( unsigned long ) ulBfar );
    vSemihostingExit( 6 );
}
