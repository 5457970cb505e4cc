/*
 * core-pkcs11 FreeRTOS demo: kernel configuration for the Cortex-M3 of QEMU's
 * mps2-an385 board (FreeRTOS-Kernel V11.2.0, port GCC/ARM_CM3, heap_4).
 *
 * SPDX-License-Identifier: MIT
 * Copyright (c) the core-pkcs11 authors.
 */

#ifndef FREERTOS_CONFIG_H
#define FREERTOS_CONFIG_H

/*----------------------------- Clock and tick ------------------------------*/

/* The board's system clock (QEMU's SYSCLK for mps2 is 25 MHz; SysTick uses the
 * processor clock). */
#define configCPU_CLOCK_HZ                         ( 25000000UL )
#define configTICK_RATE_HZ                         ( 1000 )
#define configUSE_PREEMPTION                       1
#define configUSE_TIME_SLICING                     1
#define configUSE_PORT_OPTIMISED_TASK_SELECTION    1
#define configUSE_TICKLESS_IDLE                    0
#define configTICK_TYPE_WIDTH_IN_BITS              TICK_TYPE_WIDTH_32_BITS

/*------------------------------ Tasks --------------------------------------*/

#define configMAX_PRIORITIES                       5
#define configMINIMAL_STACK_SIZE                   ( ( unsigned short ) 256 )
#define configMAX_TASK_NAME_LEN                    16
#define configIDLE_SHOULD_YIELD                    1
#define configUSE_TASK_NOTIFICATIONS               1
#define configTASK_NOTIFICATION_ARRAY_ENTRIES      1
#define configENABLE_BACKWARD_COMPATIBILITY        0
#define configNUM_THREAD_LOCAL_STORAGE_POINTERS    0
#define configUSE_NEWLIB_REENTRANT                 0

/*------------------------------ Synchronisation ----------------------------*/

/* Mutexes: the core-pkcs11 FreeRTOS port (port/freertos) needs them. */
#define configUSE_MUTEXES                          1
#define configUSE_RECURSIVE_MUTEXES                0
#define configUSE_COUNTING_SEMAPHORES              0
#define configQUEUE_REGISTRY_SIZE                  0
#define configUSE_QUEUE_SETS                       0

/*------------------------------ Timers -------------------------------------*/

#define configUSE_TIMERS                           0

/*------------------------------ Memory -------------------------------------*/

#define configSUPPORT_STATIC_ALLOCATION            1
#define configSUPPORT_DYNAMIC_ALLOCATION           1

/* heap_4. The token's heap (pkcs11configPKCS11_MALLOC is pvPortMalloc) and the
 * kernel's objects come from here; the demo tasks' stacks are static. RSA-2048
 * needs the most: see freertos-demo/README.md for the measured peak. The build
 * may override the size (CMake cache variable DEMO_HEAP_SIZE). */
#ifndef configTOTAL_HEAP_SIZE
    #define configTOTAL_HEAP_SIZE                  ( ( size_t ) ( 48 * 1024 ) )
#endif
#define configAPPLICATION_ALLOCATED_HEAP           0
#define configSTACK_ALLOCATION_FROM_SEPARATE_HEAP  0
#define configHEAP_CLEAR_MEMORY_ON_FREE            1

/*------------------------------ Hooks --------------------------------------*/

#define configUSE_IDLE_HOOK                        0
#define configUSE_TICK_HOOK                        0
#define configUSE_MALLOC_FAILED_HOOK               1
#define configCHECK_FOR_STACK_OVERFLOW             2
#define configUSE_DAEMON_TASK_STARTUP_HOOK         0

/*------------------------------ Statistics ---------------------------------*/

#define configUSE_TRACE_FACILITY                   1
#define configGENERATE_RUN_TIME_STATS              0
#define configUSE_STATS_FORMATTING_FUNCTIONS       0
#define configRECORD_STACK_HIGH_ADDRESS            1

/*------------------------------ Co-routines --------------------------------*/

#define configUSE_CO_ROUTINES                      0

/*------------------------------ Interrupt priorities -----------------------*/

/* QEMU's NVIC implements all 8 priority bits. */
#define configPRIO_BITS                            8

/* Lowest priority, for the kernel's SysTick and PendSV. */
#define configLIBRARY_LOWEST_INTERRUPT_PRIORITY         0xFF

/* Highest priority from which interrupt handlers may call FreeRTOS "FromISR"
 * functions. With 8 bits and the reset PRIGROUP (bit 0 is a sub-priority) the
 * value must have bit 0 clear; 0x50 is "5" of a 4-bit part. */
#define configLIBRARY_MAX_SYSCALL_INTERRUPT_PRIORITY    0x50

#define configKERNEL_INTERRUPT_PRIORITY \
    ( configLIBRARY_LOWEST_INTERRUPT_PRIORITY << ( 8 - configPRIO_BITS ) )
#define configMAX_SYSCALL_INTERRUPT_PRIORITY \
    ( configLIBRARY_MAX_SYSCALL_INTERRUPT_PRIORITY << ( 8 - configPRIO_BITS ) )

/* The vector table (startup/startup_mps2_an385.c) holds the port's handlers. */
#define configCHECK_HANDLER_INSTALLATION           1

/*------------------------------ Optional functions -------------------------*/

#define INCLUDE_vTaskPrioritySet                   0
#define INCLUDE_uxTaskPriorityGet                  0
#define INCLUDE_vTaskDelete                        1
#define INCLUDE_vTaskSuspend                       1
#define INCLUDE_vTaskDelayUntil                    0
#define INCLUDE_vTaskDelay                         1
#define INCLUDE_xTaskGetSchedulerState             1
#define INCLUDE_xTaskGetCurrentTaskHandle          1
#define INCLUDE_uxTaskGetStackHighWaterMark        1
#define INCLUDE_xTaskGetIdleTaskHandle             0
#define INCLUDE_eTaskGetState                      0
#define INCLUDE_xSemaphoreGetMutexHolder           1

/*------------------------------ Assertions ---------------------------------*/

/* A failed assertion prints where and ends the emulation (exit code 4). */
#ifndef __ASSEMBLER__
    void vDemoAssertFailed( const char * pcFile,
                            int iLine );
#endif
#define configASSERT( x )    do { if( ( x ) == 0 ) { vDemoAssertFailed( __FILE__, __LINE__ ); } } while( 0 )

#endif /* FREERTOS_CONFIG_H */
