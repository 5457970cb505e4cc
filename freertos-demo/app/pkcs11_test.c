/*
 * core-pkcs11 FreeRTOS demo, image pkcs11_test: the token's functional checks
 * on the Cortex-M3, through core_pkcs11.h and the function list only.
 *
 * SPDX-License-Identifier: MIT
 * Copyright (c) the core-pkcs11 authors.
 *
 * Each check prints "PASS name" or "FAIL name: detail" on the UART; the last
 * line is "N passed, M failed" and the exit code is 0 only when M is 0.
 *
 * Covered: the port (FreeRTOS mutex hooks, a blocked high-priority caller),
 * slots and token information, mechanisms, sessions, login (wrong and right
 * PIN), objects (EC P-256 and RSA-2048 keys from fixed test vectors, an X.509
 * certificate), search by label and class, SHA-256 known answers, ECDSA and
 * RSA PKCS #1 v1.5 sign and verify with known answers, key pair generation on
 * the device, random numbers, and error paths.
 */

#include <stdio.h>
#include <string.h>

#include "FreeRTOS.h"
#include "semphr.h"
#include "task.h"

#include "core_pkcs11_config.h"
#include "core_pkcs11_config_defaults.h"
#include "core_pkcs11.h"
#include "core_pkcs11_port.h"

#include "demo.h"
#include "mps2_block_device.h"
#include "test_vectors.h"

const char * const pcDemoName = "pkcs11_test (functional checks)";

/*-------------------------------- Reporting ---------------------------------*/

static unsigned int uxPassed = 0;
static unsigned int uxFailed = 0;

static void prvCheck( int xCondition,
                      const char * pcName,
                      const char * pcDetail )
{
    if( xCondition )
    {
        uxPassed++;
        printf( "PASS %s\n", pcName );
    }
    else
    {
        uxFailed++;
        printf( "FAIL %s%s%s\n", pcName, ( pcDetail != NULL ) ? ": " : "", ( pcDetail != NULL ) ? pcDetail : "" );
    }
}

#define CHECK( cond, name )    prvCheck( ( cond ) ? 1 : 0, ( name ), #cond )

static void prvCheckRv( CK_RV xActual,
                        CK_RV xExpected,
                        const char * pcName )
{
    char acDetail[ 64 ];

    ( void ) snprintf( acDetail, sizeof( acDetail ), "returned 0x%lx, expected 0x%lx",
                       ( unsigned long ) xActual, ( unsigned long ) xExpected );
    prvCheck( xActual == xExpected, pcName, acDetail );
}

#define LABEL_LEN( label )    ( ( CK_ULONG ) ( sizeof( label ) - 1U ) )

/*------------------------------- Test data ----------------------------------*/

static const uint8_t aucSha256Empty[ 32 ] =
{
    0xe3, 0xb0, 0xc4, 0x42, 0x98, 0xfc, 0x1c, 0x14, 0x9a, 0xfb, 0xf4, 0xc8,
    0x99, 0x6f, 0xb9, 0x24, 0x27, 0xae, 0x41, 0xe4, 0x64, 0x9b, 0x93, 0x4c,
    0xa4, 0x95, 0x99, 0x1b, 0x78, 0x52, 0xb8, 0x55
};
static const uint8_t aucSha256Abc[ 32 ] =
{
    0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40, 0xde,
    0x5d, 0xae, 0x22, 0x23, 0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17, 0x7a, 0x9c,
    0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad
};
static const uint8_t aucSha256TwoBlock[ 32 ] =
{
    0x24, 0x8d, 0x6a, 0x61, 0xd2, 0x06, 0x38, 0xb8, 0xe5, 0xc0, 0x26, 0x93,
    0x0c, 0x3e, 0x60, 0x39, 0xa3, 0x3c, 0xe4, 0x59, 0x64, 0xff, 0x21, 0x67,
    0xf6, 0xec, 0xed, 0xd4, 0x19, 0xdb, 0x06, 0xc1
};
static const uint8_t aucSha256MillionA[ 32 ] =
{
    0xcd, 0xc7, 0x6e, 0x5c, 0x99, 0x14, 0xfb, 0x92, 0x81, 0xa1, 0xc7, 0xe2,
    0x84, 0xd7, 0x3e, 0x67, 0xf1, 0x80, 0x9a, 0x48, 0xa4, 0x97, 0x20, 0x0e,
    0x04, 0x6d, 0x39, 0xcc, 0xc7, 0x11, 0x2c, 0xd0
};

/* RFC 6979 appendix A.2.5: P-256 key, and the deterministic ECDSA signature
 * with SHA-256 of the message "sample". */
static const uint8_t aucP256PrivateScalar[ 32 ] =
{
    0xc9, 0xaf, 0xa9, 0xd8, 0x45, 0xba, 0x75, 0x16, 0x6b, 0x5c, 0x21, 0x57,
    0x67, 0xb1, 0xd6, 0x93, 0x4e, 0x50, 0xc3, 0xdb, 0x36, 0xe8, 0x9b, 0x12,
    0x7b, 0x8a, 0x62, 0x2b, 0x12, 0x0f, 0x67, 0x21
};
/* DER OCTET STRING of the uncompressed point: 04 41 04 || X || Y. */
static const uint8_t aucP256PublicPoint[ 67 ] =
{
    0x04, 0x41, 0x04,
    0x60, 0xfe, 0xd4, 0xba, 0x25, 0x5a, 0x9d, 0x31, 0xc9, 0x61, 0xeb, 0x74,
    0xc6, 0x35, 0x6d, 0x68, 0xc0, 0x49, 0xb8, 0x92, 0x3b, 0x61, 0xfa, 0x6c,
    0xe6, 0x69, 0x62, 0x2e, 0x60, 0xf2, 0x9f, 0xb6,
    0x79, 0x03, 0xfe, 0x10, 0x08, 0xb8, 0xbc, 0x99, 0xa4, 0x1a, 0xe9, 0xe9,
    0x56, 0x28, 0xbc, 0x64, 0xf2, 0xf1, 0xb2, 0x0c, 0x2d, 0x7e, 0x9f, 0x51,
    0x77, 0xa3, 0xc2, 0x94, 0xd4, 0x46, 0x22, 0x99
};
static const uint8_t aucSha256Sample[ 32 ] =
{
    0xaf, 0x2b, 0xdb, 0xe1, 0xaa, 0x9b, 0x6e, 0xc1, 0xe2, 0xad, 0xe1, 0xd6,
    0x94, 0xf4, 0x1f, 0xc7, 0x1a, 0x83, 0x1d, 0x02, 0x68, 0xe9, 0x89, 0x15,
    0x62, 0x11, 0x3d, 0x8a, 0x62, 0xad, 0xd1, 0xbf
};
static const uint8_t aucRfc6979SampleSignature[ 64 ] =
{
    0xef, 0xd4, 0x8b, 0x2a, 0xac, 0xb6, 0xa8, 0xfd, 0x11, 0x40, 0xdd, 0x9c,
    0xd4, 0x5e, 0x81, 0xd6, 0x9d, 0x2c, 0x87, 0x7b, 0x56, 0xaa, 0xf9, 0x91,
    0xc3, 0x4d, 0x0e, 0xa8, 0x4e, 0xaf, 0x37, 0x16,
    0xf7, 0xcb, 0x1c, 0x94, 0x2d, 0x65, 0x7c, 0x41, 0xd4, 0x36, 0xc7, 0xa1,
    0xb6, 0xe2, 0x9f, 0x65, 0xf3, 0xe9, 0x00, 0xdb, 0xb9, 0xaf, 0xf4, 0x06,
    0x4d, 0xc4, 0xab, 0x2f, 0x84, 0x3a, 0xcd, 0xa8
};

static const char acKnownAnswerMessage[] = "core-pkcs11 known answer";

/*------------------------------- State --------------------------------------*/

static CK_FUNCTION_LIST_PTR pxFn = NULL;
static CK_SLOT_ID xSlot = 0;
static CK_SESSION_HANDLE xSession = CK_INVALID_HANDLE;

static CK_BBOOL xTrue = CK_TRUE;

/*------------------------------- Helpers ------------------------------------*/

static CK_RV prvDigest( const uint8_t * pucData,
                        CK_ULONG ulLength,
                        uint8_t * pucOut32 )
{
    CK_MECHANISM xMechanism = { CKM_SHA256, NULL_PTR, 0 };
    CK_ULONG ulOut = 32;
    CK_RV xRv = pxFn->C_DigestInit( xSession, &xMechanism );

    if( xRv == CKR_OK )
    {
        xRv = pxFn->C_Digest( xSession, ( CK_BYTE_PTR ) pucData, ulLength, pucOut32, &ulOut );
    }

    if( ( xRv == CKR_OK ) && ( ulOut != 32U ) )
    {
        xRv = CKR_GENERAL_ERROR;
    }

    return xRv;
}

static CK_RV prvSign( CK_MECHANISM_TYPE xType,
                      CK_OBJECT_HANDLE xKey,
                      const uint8_t * pucData,
                      CK_ULONG ulLength,
                      uint8_t * pucSignature,
                      CK_ULONG * pulSignatureLength )
{
    CK_MECHANISM xMechanism = { xType, NULL_PTR, 0 };
    CK_RV xRv = pxFn->C_SignInit( xSession, &xMechanism, xKey );

    if( xRv == CKR_OK )
    {
        xRv = pxFn->C_Sign( xSession, ( CK_BYTE_PTR ) pucData, ulLength, pucSignature, pulSignatureLength );
    }

    return xRv;
}

static CK_RV prvVerify( CK_MECHANISM_TYPE xType,
                        CK_OBJECT_HANDLE xKey,
                        const uint8_t * pucData,
                        CK_ULONG ulLength,
                        const uint8_t * pucSignature,
                        CK_ULONG ulSignatureLength )
{
    CK_MECHANISM xMechanism = { xType, NULL_PTR, 0 };
    CK_RV xRv = pxFn->C_VerifyInit( xSession, &xMechanism, xKey );

    if( xRv == CKR_OK )
    {
        xRv = pxFn->C_Verify( xSession, ( CK_BYTE_PTR ) pucData, ulLength, ( CK_BYTE_PTR ) pucSignature, ulSignatureLength );
    }

    return xRv;
}

static CK_OBJECT_HANDLE prvFind( const char * pcLabel,
                                 CK_OBJECT_CLASS xClass )
{
    CK_OBJECT_HANDLE xFound = ( CK_OBJECT_HANDLE ) 0x5A5AU;

    if( xFindObjectWithLabelAndClass( xSession, ( char * ) pcLabel, ( CK_ULONG ) strlen( pcLabel ), xClass, &xFound ) != CKR_OK )
    {
        return ( CK_OBJECT_HANDLE ) 0xFFFFFFFFU;
    }

    return xFound;
}

static int prvAllSame( const uint8_t * pucData,
                       size_t xLength,
                       uint8_t ucValue )
{
    size_t i;

    for( i = 0; i < xLength; i++ )
    {
        if( pucData[ i ] != ucValue )
        {
            return 0;
        }
    }

    return 1;
}

/*------------------------------- Port ---------------------------------------*/

/* The FreeRTOS port's hooks are linked (not the library's weak defaults): the
 * create hook gives a real FreeRTOS mutex. */
static void prvTestPortHooks( void )
{
    void * pvMutex = pvCorePkcs11MutexCreate();
    SemaphoreHandle_t xMutex = ( SemaphoreHandle_t ) pvMutex;

    CHECK( pvMutex != NULL, "port: pvCorePkcs11MutexCreate gives a mutex" );

    if( pvMutex == NULL )
    {
        return;
    }

    CHECK( ucQueueGetQueueType( ( QueueHandle_t ) xMutex ) == queueQUEUE_TYPE_MUTEX,
           "port: the hook's mutex is a FreeRTOS mutex (port/freertos overrides the weak defaults)" );
    vCorePkcs11MutexLock( pvMutex );
    CHECK( xSemaphoreGetMutexHolder( xMutex ) == xTaskGetCurrentTaskHandle(), "port: vCorePkcs11MutexLock takes it" );
    vCorePkcs11MutexUnlock( pvMutex );
    CHECK( xSemaphoreGetMutexHolder( xMutex ) == NULL, "port: vCorePkcs11MutexUnlock gives it back" );
    vCorePkcs11MutexDestroy( pvMutex );
}

/* A low-priority task holds the token (a long RSA signature) while a
 * high-priority task calls it: the high one must block on the port's mutex
 * (lending its priority), not spin, and both must succeed. */
static volatile CK_RV xLowResult = CKR_GENERAL_ERROR;
static volatile CK_RV xHighResult = CKR_GENERAL_ERROR;
static volatile uint32_t ulLowSignatures = 0;
static CK_OBJECT_HANDLE xConcurrencyKey = CK_INVALID_HANDLE;
static TaskHandle_t xParentTask = NULL;

/* Stack of the two helper tasks (static), in words: an
 * RSA-2048 signature needs about 10 KiB of stack (see the README). */
#ifndef DEMO_HELPER_STACK_WORDS
    #define DEMO_HELPER_STACK_WORDS    3072U
#endif
static volatile UBaseType_t uxLowStackFree = 0;
static StackType_t uxLowStack[ DEMO_HELPER_STACK_WORDS ];
static StackType_t uxHighStack[ DEMO_HELPER_STACK_WORDS ];
static StaticTask_t xLowTaskBuffer;
static StaticTask_t xHighTaskBuffer;

static void prvLowTask( void * pvParameters )
{
    CK_SESSION_HANDLE xOwn = CK_INVALID_HANDLE;
    CK_MECHANISM xMechanism = { CKM_SHA256_RSA_PKCS, NULL_PTR, 0 };
    uint8_t aucSignature[ 256 ];
    CK_ULONG ulLength;
    CK_RV xRv;
    uint32_t i;

    ( void ) pvParameters;
    xRv = pxFn->C_OpenSession( xSlot, CKF_SERIAL_SESSION, NULL_PTR, NULL_PTR, &xOwn );

    for( i = 0; ( i < 3U ) && ( xRv == CKR_OK ); i++ )
    {
        xRv = pxFn->C_SignInit( xOwn, &xMechanism, xConcurrencyKey );

        if( xRv == CKR_OK )
        {
            ulLength = sizeof( aucSignature );
            xRv = pxFn->C_Sign( xOwn, ( CK_BYTE_PTR ) acKnownAnswerMessage, LABEL_LEN( acKnownAnswerMessage ), aucSignature, &ulLength );
        }

        if( ( xRv == CKR_OK ) && ( memcmp( aucSignature, aucRsa2048Sha256KnownSignature, sizeof( aucSignature ) ) != 0 ) )
        {
            xRv = CKR_GENERAL_ERROR;
        }

        if( xRv == CKR_OK )
        {
            ulLowSignatures++;
        }
    }

    if( xOwn != CK_INVALID_HANDLE )
    {
        ( void ) pxFn->C_CloseSession( xOwn );
    }

    xLowResult = xRv;
    uxLowStackFree = uxTaskGetStackHighWaterMark( NULL );
    ( void ) xTaskNotifyGive( xParentTask );
    vTaskDelete( NULL );
}

static volatile TickType_t xHighWaitTicks = 0;
static volatile uint32_t ulLowSignaturesWhenHighDone = 0;

static void prvHighTask( void * pvParameters )
{
    uint8_t aucRandom[ 16 ];
    TickType_t xStart = xTaskGetTickCount();

    ( void ) pvParameters;
    xHighResult = pxFn->C_GenerateRandom( xSession, aucRandom, sizeof( aucRandom ) );
    xHighWaitTicks = xTaskGetTickCount() - xStart;
    ulLowSignaturesWhenHighDone = ulLowSignatures;
    ( void ) xTaskNotifyGive( xParentTask );
    vTaskDelete( NULL );
}

static void prvTestConcurrency( CK_OBJECT_HANDLE xRsaPrivate )
{
    uint32_t ulDone = 0;
    TickType_t xStart = xTaskGetTickCount();

    xConcurrencyKey = xRsaPrivate;
    xParentTask = xTaskGetCurrentTaskHandle();
    ( void ) ulTaskNotifyTake( pdTRUE, 0 );

    if( xTaskCreateStatic( prvLowTask, "low", DEMO_HELPER_STACK_WORDS, NULL, tskIDLE_PRIORITY + 1U, uxLowStack, &xLowTaskBuffer ) == NULL )
    {
        CHECK( 0, "concurrency: create the low-priority task" );
        return;
    }

    /* Let the low task start its first signature. */
    vTaskDelay( 2 );

    if( xTaskCreateStatic( prvHighTask, "high", DEMO_HELPER_STACK_WORDS, NULL, tskIDLE_PRIORITY + 3U, uxHighStack, &xHighTaskBuffer ) == NULL )
    {
        CHECK( 0, "concurrency: create the high-priority task" );
        return;
    }

    /* The high task ran at once (higher priority): it has either finished or
     * is blocked on the token's mutex. */
    while( ulDone < 2U )
    {
        if( ulTaskNotifyTake( pdFALSE, pdMS_TO_TICKS( 60000 ) ) == 0U )
        {
            break;
        }

        ulDone++;
    }

    CHECK( ulDone == 2U, "concurrency: both tasks finish (no deadlock)" );
    prvCheckRv( xHighResult, CKR_OK, "concurrency: high-priority C_GenerateRandom while a low-priority task signs" );
    prvCheckRv( xLowResult, CKR_OK, "concurrency: low-priority task's three RSA signatures match the known answer" );
    /* Blocked on the FreeRTOS mutex, the high task gets the token as soon as
     * the signature in progress ends (the low task inherits its priority to
     * finish it), not after the low task's last signature. */
    CHECK( ulLowSignaturesWhenHighDone < 3U, "concurrency: the high-priority call is served before the low task's last signature" );
    printf( "     (the high-priority call waited %lu ticks, %lu low-priority signature(s) done by then)\n",
            ( unsigned long ) xHighWaitTicks, ( unsigned long ) ulLowSignaturesWhenHighDone );
    printf( "     (concurrency part took %lu ticks; the signing task used %lu of %lu bytes of stack)\n",
            ( unsigned long ) ( xTaskGetTickCount() - xStart ),
            ( unsigned long ) ( ( DEMO_HELPER_STACK_WORDS - uxLowStackFree ) * sizeof( StackType_t ) ),
            ( unsigned long ) ( DEMO_HELPER_STACK_WORDS * sizeof( StackType_t ) ) );
}

/*------------------------------- Board: block device ------------------------*/

/* The semihosting block device the token's store is given (when the library
 * has persistence), checked on its own file: erased state, program, read
 * back, erase, bounds, and persistence across a close and reopen. */
#define BD_SELFTEST_IMAGE    "mps2_bd_selftest.img"

static void prvTestEntropy( void )
{
    uint8_t aucA[ 32 ];
    uint8_t aucB[ 32 ];
    size_t xLenA = 0;
    size_t xLenB = 0;

    memset( aucA, 0, sizeof( aucA ) );
    memset( aucB, 0, sizeof( aucB ) );
    CHECK( ( mbedtls_hardware_poll( NULL, aucA, sizeof( aucA ), &xLenA ) == 0 ) && ( xLenA > 0U ) && ( xLenA <= sizeof( aucA ) ),
           "board: mbedtls_hardware_poll reads the host's /dev/urandom" );
    CHECK( ( mbedtls_hardware_poll( NULL, aucB, sizeof( aucB ), &xLenB ) == 0 ) && ( xLenB == xLenA ) && ( memcmp( aucA, aucB, xLenA ) != 0 ),
           "board: two entropy draws differ" );
    CHECK( mbedtls_hardware_poll( NULL, NULL, 16, &xLenA ) != 0, "board: mbedtls_hardware_poll rejects a NULL buffer" );
}

static void prvTestBlockDevice( void )
{
    Mps2BlockDevice_t xContext;
    CorePkcs11BlockDevice_t xDevice;
    uint8_t aucData[ 64 ];
    uint8_t aucRead[ 64 ];
    int32_t lCreated = -1;
    size_t i;

    for( i = 0; i < sizeof( aucData ); i++ )
    {
        aucData[ i ] = ( uint8_t ) ( 0x30U + i );
    }

    if( lMps2BlockDeviceOpen( &xContext, &xDevice, BD_SELFTEST_IMAGE, &lCreated ) != 0 )
    {
        CHECK( 0, "block device: open " BD_SELFTEST_IMAGE );
        return;
    }

    CHECK( ( xDevice.ulBlockSize == 4096U ) && ( xDevice.ulBlockCount == 256U ) &&
           ( xDevice.ulReadSize == 16U ) && ( xDevice.ulProgramSize == 16U ), "block device: geometry 256 x 4096, read/program 16" );
    /* Start from a known state whether or not the file was left by a previous run. */
    CHECK( xDevice.xErase( xDevice.pvContext, 255 ) == 0, "block device: erase the last block" );
    CHECK( ( xDevice.xRead( xDevice.pvContext, 255, 4096 - 64, aucRead, 64 ) == 0 ) && prvAllSame( aucRead, 64, 0xFF ), "block device: erased block reads 0xFF" );
    CHECK( xDevice.xProgram( xDevice.pvContext, 255, 4096 - 64, aucData, 64 ) == 0, "block device: program 64 bytes" );
    CHECK( xDevice.xSync( xDevice.pvContext ) == 0, "block device: sync" );
    memset( aucRead, 0, sizeof( aucRead ) );
    CHECK( ( xDevice.xRead( xDevice.pvContext, 255, 4096 - 64, aucRead, 64 ) == 0 ) && ( memcmp( aucRead, aucData, 64 ) == 0 ), "block device: read back what was programmed" );
    CHECK( xDevice.xRead( xDevice.pvContext, 256, 0, aucRead, 16 ) == MPS2_BD_ERR_INVAL, "block device: block 256 is out of range" );
    CHECK( xDevice.xRead( xDevice.pvContext, 0, 4090, aucRead, 16 ) == MPS2_BD_ERR_INVAL, "block device: read across the block end is refused" );
    CHECK( xDevice.xProgram( xDevice.pvContext, 0, 8, aucData, 16 ) == MPS2_BD_ERR_INVAL, "block device: unaligned program is refused" );
    vMps2BlockDeviceClose( &xContext );

    CHECK( lMps2BlockDeviceOpen( &xContext, &xDevice, BD_SELFTEST_IMAGE, &lCreated ) == 0, "block device: reopen" );
    CHECK( lCreated == 0, "block device: the image file exists on reopen" );
    memset( aucRead, 0, sizeof( aucRead ) );
    CHECK( ( xDevice.xRead( xDevice.pvContext, 255, 4096 - 64, aucRead, 64 ) == 0 ) && ( memcmp( aucRead, aucData, 64 ) == 0 ), "block device: data persists in the host file" );
    CHECK( xDevice.xErase( xDevice.pvContext, 255 ) == 0, "block device: erase again" );
    CHECK( ( xDevice.xRead( xDevice.pvContext, 255, 4096 - 64, aucRead, 64 ) == 0 ) && prvAllSame( aucRead, 64, 0xFF ), "block device: erase restores 0xFF" );
    vMps2BlockDeviceClose( &xContext );
}

/*------------------------------- Main ---------------------------------------*/

int lDemoRun( void )
{
    CK_RV xRv;
    CK_ULONG ulCount;
    CK_ULONG ulLength;
    CK_ULONG i;
    CK_SLOT_ID * pxSlots = NULL;
    CK_TOKEN_INFO xTokenInfo;
    CK_SESSION_INFO xSessionInfo;
    CK_MECHANISM_TYPE axMechanisms[ 32 ];
    CK_MECHANISM_INFO xMechanismInfo;
    uint8_t aucDigest[ 32 ];
    uint8_t aucSignature[ 256 ];
    uint8_t aucSignature2[ 256 ];
    uint8_t aucBuffer[ 1000 ];
    uint8_t aucDigestInfo[ pkcs11RSA_SIGNATURE_INPUT_LENGTH ];
    CK_ATTRIBUTE xAttribute;
    int32_t lStorage;

    CK_OBJECT_CLASS xPrivateClass = CKO_PRIVATE_KEY;
    CK_OBJECT_CLASS xPublicClass = CKO_PUBLIC_KEY;
    CK_OBJECT_CLASS xCertificateClass = CKO_CERTIFICATE;
    CK_KEY_TYPE xEcType = CKK_EC;
    CK_KEY_TYPE xRsaType = CKK_RSA;
    CK_CERTIFICATE_TYPE xX509 = CKC_X_509;
    CK_BYTE aucEcParams[] = pkcs11DER_ENCODED_OID_P256;

    CK_OBJECT_HANDLE xEcPrivate = CK_INVALID_HANDLE;
    CK_OBJECT_HANDLE xEcPublic = CK_INVALID_HANDLE;
    CK_OBJECT_HANDLE xRsaPrivate = CK_INVALID_HANDLE;
    CK_OBJECT_HANDLE xRsaPublic = CK_INVALID_HANDLE;
    CK_OBJECT_HANDLE xCertificate = CK_INVALID_HANDLE;
    CK_OBJECT_HANDLE xGenPrivate = CK_INVALID_HANDLE;
    CK_OBJECT_HANDLE xGenPublic = CK_INVALID_HANDLE;

    static const char acEcPrivLabel[] = "Test EC Priv";
    static const char acEcPubLabel[] = "Test EC Pub";
    static const char acRsaPrivLabel[] = "Test RSA Priv";
    static const char acRsaPubLabel[] = "Test RSA Pub";
    static const char acCertLabel[] = pkcs11configLABEL_DEVICE_CERTIFICATE_FOR_TLS;
    static const char acGenPrivLabel[] = pkcs11configLABEL_DEVICE_PRIVATE_KEY_FOR_TLS;
    static const char acGenPubLabel[] = pkcs11configLABEL_DEVICE_PUBLIC_KEY_FOR_TLS;

    /* ---- Storage: a fresh image when the library has persistence ---- */
    lStorage = lDemoAttachStorage( NULL );
    CHECK( lStorage >= 0, "storage: block device attached (or none in this build)" );

    /* ---- Port hooks and board ---- */
    prvTestPortHooks();
    prvTestEntropy();
    prvTestBlockDevice();

    /* ---- Initialisation and the function list ---- */
    prvCheckRv( xInitializePKCS11(), CKR_OK, "xInitializePKCS11 (C_Initialize, CKF_OS_LOCKING_OK)" );
    prvCheckRv( C_GetFunctionList( &pxFn ), CKR_OK, "C_GetFunctionList" );

    if( pxFn == NULL )
    {
        CHECK( 0, "function list pointer" );
        printf( "%u passed, %u failed\n", uxPassed, uxFailed );
        return 1;
    }

    CHECK( ( pxFn->version.major == 2U ) && ( pxFn->version.minor == 40U ), "function list version is 2.40" );
    prvCheckRv( pxFn->C_Initialize( NULL_PTR ), CKR_CRYPTOKI_ALREADY_INITIALIZED, "C_Initialize twice is CKR_CRYPTOKI_ALREADY_INITIALIZED" );

    /* ---- Slot and token ---- */
    ulCount = 0;
    prvCheckRv( xGetSlotList( &pxSlots, &ulCount ), CKR_OK, "xGetSlotList (pvPortMalloc'd list)" );
    CHECK( ( pxSlots != NULL ) && ( ulCount >= 1U ), "at least one slot" );

    if( pxSlots != NULL )
    {
        xSlot = pxSlots[ 0 ];
        vPortFree( pxSlots );
    }

    memset( &xTokenInfo, 0, sizeof( xTokenInfo ) );
    prvCheckRv( pxFn->C_GetTokenInfo( xSlot, &xTokenInfo ), CKR_OK, "C_GetTokenInfo" );
    CHECK( ( xTokenInfo.flags & CKF_RNG ) != 0U, "token has CKF_RNG" );
    CHECK( ( xTokenInfo.flags & CKF_LOGIN_REQUIRED ) != 0U, "token has CKF_LOGIN_REQUIRED" );
    CHECK( xTokenInfo.ulMaxSessionCount == ( CK_ULONG ) pkcs11configMAX_SESSIONS, "ulMaxSessionCount is pkcs11configMAX_SESSIONS (8)" );
    prvCheckRv( pxFn->C_GetTokenInfo( xSlot + 1000U, &xTokenInfo ), CKR_SLOT_ID_INVALID, "C_GetTokenInfo bad slot is CKR_SLOT_ID_INVALID" );
    prvCheckRv( xInitializePkcs11Token(), CKR_OK, "xInitializePkcs11Token" );

    ulCount = sizeof( axMechanisms ) / sizeof( axMechanisms[ 0 ] );
    prvCheckRv( pxFn->C_GetMechanismList( xSlot, axMechanisms, &ulCount ), CKR_OK, "C_GetMechanismList" );
    {
        int iFound = 0;

        for( i = 0; i < ulCount; i++ )
        {
            if( ( axMechanisms[ i ] == CKM_SHA256 ) || ( axMechanisms[ i ] == CKM_ECDSA ) ||
                ( axMechanisms[ i ] == CKM_RSA_PKCS ) || ( axMechanisms[ i ] == CKM_EC_KEY_PAIR_GEN ) ||
                ( axMechanisms[ i ] == CKM_SHA256_RSA_PKCS ) )
            {
                iFound++;
            }
        }

        CHECK( iFound == 5, "mechanisms include SHA256, ECDSA, RSA_PKCS, SHA256_RSA_PKCS, EC_KEY_PAIR_GEN" );
    }
    prvCheckRv( pxFn->C_GetMechanismInfo( xSlot, CKM_RSA_PKCS, &xMechanismInfo ), CKR_OK, "C_GetMechanismInfo CKM_RSA_PKCS" );
    CHECK( ( xMechanismInfo.ulMinKeySize <= 2048U ) && ( xMechanismInfo.ulMaxKeySize >= 2048U ) &&
           ( ( xMechanismInfo.flags & CKF_SIGN ) != 0U ), "CKM_RSA_PKCS signs with 2048-bit keys" );
    prvCheckRv( pxFn->C_GetMechanismInfo( xSlot, CKM_AES_CBC, &xMechanismInfo ), CKR_MECHANISM_INVALID, "C_GetMechanismInfo CKM_AES_CBC is CKR_MECHANISM_INVALID" );

    /* ---- Sessions and login ---- */
    prvCheckRv( pxFn->C_OpenSession( xSlot, CKF_RW_SESSION, NULL_PTR, NULL_PTR, &xSession ),
                CKR_SESSION_PARALLEL_NOT_SUPPORTED, "C_OpenSession without CKF_SERIAL_SESSION is refused" );
    prvCheckRv( pxFn->C_OpenSession( xSlot, CKF_SERIAL_SESSION | CKF_RW_SESSION, NULL_PTR, NULL_PTR, &xSession ), CKR_OK, "C_OpenSession R/W" );
    {
        CK_SESSION_HANDLE axExtra[ 12 ];
        CK_ULONG ulOpened = 0;
        CK_RV xLast = CKR_OK;

        while( ulOpened < 12U )
        {
            xLast = pxFn->C_OpenSession( xSlot, CKF_SERIAL_SESSION, NULL_PTR, NULL_PTR, &axExtra[ ulOpened ] );

            if( xLast != CKR_OK )
            {
                break;
            }

            ulOpened++;
        }

        CHECK( ulOpened + 1U == ( CK_ULONG ) pkcs11configMAX_SESSIONS, "exactly pkcs11configMAX_SESSIONS sessions open" );
        prvCheckRv( xLast, CKR_SESSION_COUNT, "one more session is CKR_SESSION_COUNT" );

        for( i = 0; i < ulOpened; i++ )
        {
            ( void ) pxFn->C_CloseSession( axExtra[ i ] );
        }
    }

    prvCheckRv( pxFn->C_GetSessionInfo( xSession, &xSessionInfo ), CKR_OK, "C_GetSessionInfo" );
    CHECK( xSessionInfo.state == CKS_RW_PUBLIC_SESSION, "session state is CKS_RW_PUBLIC_SESSION before login" );
    prvCheckRv( pxFn->C_Login( xSession, CKU_USER, ( CK_UTF8CHAR_PTR ) "9999", 4 ), CKR_PIN_INCORRECT, "C_Login wrong PIN is CKR_PIN_INCORRECT" );
    prvCheckRv( pxFn->C_Login( xSession, CKU_USER, ( CK_UTF8CHAR_PTR ) pkcs11configPKCS11_DEFAULT_USER_PIN,
                               LABEL_LEN( pkcs11configPKCS11_DEFAULT_USER_PIN ) ), CKR_OK, "C_Login default PIN" );
    prvCheckRv( pxFn->C_Login( xSession, CKU_USER, ( CK_UTF8CHAR_PTR ) pkcs11configPKCS11_DEFAULT_USER_PIN,
                               LABEL_LEN( pkcs11configPKCS11_DEFAULT_USER_PIN ) ), CKR_USER_ALREADY_LOGGED_IN, "C_Login again is CKR_USER_ALREADY_LOGGED_IN" );
    prvCheckRv( pxFn->C_GetSessionInfo( xSession, &xSessionInfo ), CKR_OK, "C_GetSessionInfo after login" );
    CHECK( xSessionInfo.state == CKS_RW_USER_FUNCTIONS, "session state is CKS_RW_USER_FUNCTIONS" );
    prvCheckRv( pxFn->C_CloseSession( ( CK_SESSION_HANDLE ) 0xDEADU ), CKR_SESSION_HANDLE_INVALID, "C_CloseSession bad handle is CKR_SESSION_HANDLE_INVALID" );

    /* ---- SHA-256 known answers ---- */
    prvCheckRv( prvDigest( ( const uint8_t * ) "", 0, aucDigest ), CKR_OK, "C_Digest \"\"" );
    CHECK( memcmp( aucDigest, aucSha256Empty, 32 ) == 0, "SHA-256(\"\") = e3b0c442...7852b855" );
    prvCheckRv( prvDigest( ( const uint8_t * ) "abc", 3, aucDigest ), CKR_OK, "C_Digest \"abc\"" );
    CHECK( memcmp( aucDigest, aucSha256Abc, 32 ) == 0, "SHA-256(\"abc\") = ba7816bf...f20015ad" );
    prvCheckRv( prvDigest( ( const uint8_t * ) "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56, aucDigest ), CKR_OK, "C_Digest two-block message" );
    CHECK( memcmp( aucDigest, aucSha256TwoBlock, 32 ) == 0, "SHA-256(abcdbcde...nopq) = 248d6a61...19db06c1" );
    {
        CK_MECHANISM xMechanism = { CKM_SHA256, NULL_PTR, 0 };
        CK_RV xAll = pxFn->C_DigestInit( xSession, &xMechanism );

        memset( aucBuffer, 'a', sizeof( aucBuffer ) );

        for( i = 0; ( i < 1000U ) && ( xAll == CKR_OK ); i++ )
        {
            xAll = pxFn->C_DigestUpdate( xSession, aucBuffer, sizeof( aucBuffer ) );
        }

        ulLength = sizeof( aucDigest );

        if( xAll == CKR_OK )
        {
            xAll = pxFn->C_DigestFinal( xSession, aucDigest, &ulLength );
        }

        prvCheckRv( xAll, CKR_OK, "C_DigestUpdate x1000 + C_DigestFinal" );
        CHECK( ( ulLength == 32U ) && ( memcmp( aucDigest, aucSha256MillionA, 32 ) == 0 ), "SHA-256(one million 'a') = cdc76e5c...c7112cd0" );
    }
    ulLength = 32;
    prvCheckRv( pxFn->C_Digest( xSession, aucBuffer, 3, aucDigest, &ulLength ), CKR_OPERATION_NOT_INITIALIZED, "C_Digest without C_DigestInit is CKR_OPERATION_NOT_INITIALIZED" );

    /* ---- EC P-256 keys from the RFC 6979 test vector ---- */
    {
        CK_ATTRIBUTE axPrivate[] =
        {
            { CKA_CLASS,     &xPrivateClass,                   sizeof( xPrivateClass )          },
            { CKA_KEY_TYPE,  &xEcType,                         sizeof( xEcType )                },
            { CKA_TOKEN,     &xTrue,                           sizeof( xTrue )                  },
            { CKA_SIGN,      &xTrue,                           sizeof( xTrue )                  },
            { CKA_LABEL,     ( void * ) acEcPrivLabel,         LABEL_LEN( acEcPrivLabel )       },
            { CKA_EC_PARAMS, aucEcParams,                      sizeof( aucEcParams )            },
            { CKA_VALUE,     ( void * ) aucP256PrivateScalar,  sizeof( aucP256PrivateScalar )   }
        };
        CK_ATTRIBUTE axPublic[] =
        {
            { CKA_CLASS,     &xPublicClass,                    sizeof( xPublicClass )           },
            { CKA_KEY_TYPE,  &xEcType,                         sizeof( xEcType )                },
            { CKA_TOKEN,     &xTrue,                           sizeof( xTrue )                  },
            { CKA_VERIFY,    &xTrue,                           sizeof( xTrue )                  },
            { CKA_LABEL,     ( void * ) acEcPubLabel,          LABEL_LEN( acEcPubLabel )        },
            { CKA_EC_PARAMS, aucEcParams,                      sizeof( aucEcParams )            },
            { CKA_EC_POINT,  ( void * ) aucP256PublicPoint,    sizeof( aucP256PublicPoint )     }
        };

        prvCheckRv( pxFn->C_CreateObject( xSession, axPrivate, sizeof( axPrivate ) / sizeof( axPrivate[ 0 ] ), &xEcPrivate ), CKR_OK, "C_CreateObject EC P-256 private key (test vector)" );
        prvCheckRv( pxFn->C_CreateObject( xSession, axPublic, sizeof( axPublic ) / sizeof( axPublic[ 0 ] ), &xEcPublic ), CKR_OK, "C_CreateObject EC P-256 public key (test vector)" );
    }

    ulLength = 64;
    prvCheckRv( prvSign( CKM_ECDSA, xEcPrivate, aucSha256Sample, 32, aucSignature, &ulLength ), CKR_OK, "C_Sign CKM_ECDSA with the imported key" );
    CHECK( ulLength == 64U, "ECDSA signature is 64 bytes (r || s)" );
    printf( "     (ECDSA nonces are %s)\n", ( memcmp( aucSignature, aucRfc6979SampleSignature, 64 ) == 0 ) ? "deterministic, RFC 6979" : "randomised" );
    prvCheckRv( prvVerify( CKM_ECDSA, xEcPublic, aucSha256Sample, 32, aucSignature, 64 ), CKR_OK, "C_Verify CKM_ECDSA accepts the token's signature" );
    prvCheckRv( prvVerify( CKM_ECDSA, xEcPublic, aucSha256Sample, 32, aucRfc6979SampleSignature, 64 ), CKR_OK, "C_Verify CKM_ECDSA accepts the RFC 6979 known signature" );
    memcpy( aucSignature2, aucRfc6979SampleSignature, 64 );
    aucSignature2[ 40 ] ^= 0x01U;
    prvCheckRv( prvVerify( CKM_ECDSA, xEcPublic, aucSha256Sample, 32, aucSignature2, 64 ), CKR_SIGNATURE_INVALID, "C_Verify CKM_ECDSA tampered signature is CKR_SIGNATURE_INVALID" );
    prvCheckRv( prvVerify( CKM_ECDSA, xEcPublic, aucSha256Abc, 32, aucRfc6979SampleSignature, 64 ), CKR_SIGNATURE_INVALID, "C_Verify CKM_ECDSA other hash is CKR_SIGNATURE_INVALID" );
    prvCheckRv( prvVerify( CKM_ECDSA, xEcPublic, aucSha256Sample, 32, aucRfc6979SampleSignature, 63 ), CKR_SIGNATURE_LEN_RANGE, "C_Verify CKM_ECDSA short signature is CKR_SIGNATURE_LEN_RANGE" );

    /* ---- RSA-2048 keys from rust/engine/tests/data/rsa2048.txt ---- */
    {
        CK_ATTRIBUTE axPrivate[] =
        {
            { CKA_CLASS,            &xPrivateClass,                       sizeof( xPrivateClass )                     },
            { CKA_KEY_TYPE,         &xRsaType,                            sizeof( xRsaType )                          },
            { CKA_TOKEN,            &xTrue,                               sizeof( xTrue )                             },
            { CKA_SIGN,             &xTrue,                               sizeof( xTrue )                             },
            { CKA_LABEL,            ( void * ) acRsaPrivLabel,            LABEL_LEN( acRsaPrivLabel )                 },
            { CKA_MODULUS,          ( void * ) aucRsa2048_modulus,          sizeof( aucRsa2048_modulus )          },
            { CKA_PUBLIC_EXPONENT,  ( void * ) aucRsa2048_public_exponent,  sizeof( aucRsa2048_public_exponent )  },
            { CKA_PRIVATE_EXPONENT, ( void * ) aucRsa2048_private_exponent, sizeof( aucRsa2048_private_exponent ) },
            { CKA_PRIME_1,          ( void * ) aucRsa2048_prime1,           sizeof( aucRsa2048_prime1 )           },
            { CKA_PRIME_2,          ( void * ) aucRsa2048_prime2,           sizeof( aucRsa2048_prime2 )           },
            { CKA_EXPONENT_1,       ( void * ) aucRsa2048_exponent1,        sizeof( aucRsa2048_exponent1 )        },
            { CKA_EXPONENT_2,       ( void * ) aucRsa2048_exponent2,        sizeof( aucRsa2048_exponent2 )        },
            { CKA_COEFFICIENT,      ( void * ) aucRsa2048_coefficient,      sizeof( aucRsa2048_coefficient )      }
        };
        CK_ATTRIBUTE axPublic[] =
        {
            { CKA_CLASS,           &xPublicClass,                       sizeof( xPublicClass )                     },
            { CKA_KEY_TYPE,        &xRsaType,                           sizeof( xRsaType )                         },
            { CKA_TOKEN,           &xTrue,                              sizeof( xTrue )                            },
            { CKA_VERIFY,          &xTrue,                              sizeof( xTrue )                            },
            { CKA_LABEL,           ( void * ) acRsaPubLabel,            LABEL_LEN( acRsaPubLabel )                 },
            { CKA_MODULUS,         ( void * ) aucRsa2048_modulus,         sizeof( aucRsa2048_modulus )         },
            { CKA_PUBLIC_EXPONENT, ( void * ) aucRsa2048_public_exponent, sizeof( aucRsa2048_public_exponent ) }
        };

        prvCheckRv( pxFn->C_CreateObject( xSession, axPrivate, sizeof( axPrivate ) / sizeof( axPrivate[ 0 ] ), &xRsaPrivate ), CKR_OK, "C_CreateObject RSA-2048 private key (CRT components)" );
        prvCheckRv( pxFn->C_CreateObject( xSession, axPublic, sizeof( axPublic ) / sizeof( axPublic[ 0 ] ), &xRsaPublic ), CKR_OK, "C_CreateObject RSA-2048 public key" );
    }

    ulLength = sizeof( aucSignature );
    memset( aucSignature, 0, sizeof( aucSignature ) );
    prvCheckRv( prvSign( CKM_SHA256_RSA_PKCS, xRsaPrivate, ( const uint8_t * ) acKnownAnswerMessage, LABEL_LEN( acKnownAnswerMessage ), aucSignature, &ulLength ),
                CKR_OK, "C_Sign CKM_SHA256_RSA_PKCS" );
    CHECK( ( ulLength == 256U ) && ( memcmp( aucSignature, aucRsa2048Sha256KnownSignature, 256 ) == 0 ),
           "CKM_SHA256_RSA_PKCS signature = known answer (rsa2048-sha256-signature.hex)" );

    prvCheckRv( prvDigest( ( const uint8_t * ) acKnownAnswerMessage, LABEL_LEN( acKnownAnswerMessage ), aucDigest ), CKR_OK, "C_Digest of the known-answer message" );
    prvCheckRv( vAppendSHA256AlgorithmIdentifierSequence( aucDigest, aucDigestInfo ), CKR_OK, "vAppendSHA256AlgorithmIdentifierSequence (DigestInfo)" );
    ulLength = sizeof( aucSignature2 );
    memset( aucSignature2, 0, sizeof( aucSignature2 ) );
    prvCheckRv( prvSign( CKM_RSA_PKCS, xRsaPrivate, aucDigestInfo, sizeof( aucDigestInfo ), aucSignature2, &ulLength ), CKR_OK, "C_Sign CKM_RSA_PKCS over the DigestInfo" );
    CHECK( ( ulLength == 256U ) && ( memcmp( aucSignature2, aucRsa2048Sha256KnownSignature, 256 ) == 0 ),
           "CKM_RSA_PKCS signature over the DigestInfo = known answer" );
    prvCheckRv( prvVerify( CKM_RSA_PKCS, xRsaPublic, aucDigestInfo, sizeof( aucDigestInfo ), aucRsa2048Sha256KnownSignature, 256 ), CKR_OK, "C_Verify CKM_RSA_PKCS accepts the known answer" );
    prvCheckRv( prvVerify( CKM_SHA256_RSA_PKCS, xRsaPublic, ( const uint8_t * ) acKnownAnswerMessage, LABEL_LEN( acKnownAnswerMessage ), aucRsa2048Sha256KnownSignature, 256 ),
                CKR_OK, "C_Verify CKM_SHA256_RSA_PKCS accepts the known answer" );
    memcpy( aucSignature2, aucRsa2048Sha256KnownSignature, 256 );
    aucSignature2[ 100 ] ^= 0x80U;
    prvCheckRv( prvVerify( CKM_RSA_PKCS, xRsaPublic, aucDigestInfo, sizeof( aucDigestInfo ), aucSignature2, 256 ), CKR_SIGNATURE_INVALID, "C_Verify CKM_RSA_PKCS tampered signature is CKR_SIGNATURE_INVALID" );
    prvCheckRv( prvVerify( CKM_SHA256_RSA_PKCS, xRsaPublic, ( const uint8_t * ) "other", 5, aucRsa2048Sha256KnownSignature, 256 ),
                CKR_SIGNATURE_INVALID, "C_Verify CKM_SHA256_RSA_PKCS other message is CKR_SIGNATURE_INVALID" );

    xAttribute.type = CKA_PRIVATE_EXPONENT;
    xAttribute.pValue = aucBuffer;
    xAttribute.ulValueLen = sizeof( aucBuffer );
    prvCheckRv( pxFn->C_GetAttributeValue( xSession, xRsaPrivate, &xAttribute, 1 ), CKR_ATTRIBUTE_SENSITIVE, "RSA CKA_PRIVATE_EXPONENT is CKR_ATTRIBUTE_SENSITIVE" );
    xAttribute.type = CKA_MODULUS;
    xAttribute.pValue = aucBuffer;
    xAttribute.ulValueLen = sizeof( aucBuffer );
    prvCheckRv( pxFn->C_GetAttributeValue( xSession, xRsaPublic, &xAttribute, 1 ), CKR_OK, "C_GetAttributeValue RSA CKA_MODULUS" );
    CHECK( ( xAttribute.ulValueLen == sizeof( aucRsa2048_modulus ) ) && ( memcmp( aucBuffer, aucRsa2048_modulus, sizeof( aucRsa2048_modulus ) ) == 0 ), "RSA modulus reads back" );

    /* ---- Certificate (rust/engine/tests/data/p256_cert.der) ---- */
    {
        CK_ATTRIBUTE axCertificate[] =
        {
            { CKA_CLASS,            &xCertificateClass,              sizeof( xCertificateClass )     },
            { CKA_CERTIFICATE_TYPE, &xX509,                          sizeof( xX509 )                 },
            { CKA_TOKEN,            &xTrue,                          sizeof( xTrue )                 },
            { CKA_LABEL,            ( void * ) acCertLabel,          LABEL_LEN( acCertLabel )        },
            { CKA_VALUE,            ( void * ) aucP256CertificateDer, sizeof( aucP256CertificateDer ) }
        };

        prvCheckRv( pxFn->C_CreateObject( xSession, axCertificate, sizeof( axCertificate ) / sizeof( axCertificate[ 0 ] ), &xCertificate ), CKR_OK, "C_CreateObject X.509 certificate" );
    }
    xAttribute.type = CKA_VALUE;
    xAttribute.pValue = aucBuffer;
    xAttribute.ulValueLen = sizeof( aucBuffer );
    prvCheckRv( pxFn->C_GetAttributeValue( xSession, xCertificate, &xAttribute, 1 ), CKR_OK, "C_GetAttributeValue certificate CKA_VALUE" );
    CHECK( ( xAttribute.ulValueLen == sizeof( aucP256CertificateDer ) ) && ( memcmp( aucBuffer, aucP256CertificateDer, sizeof( aucP256CertificateDer ) ) == 0 ), "certificate reads back unchanged" );
    xAttribute.type = CKA_SUBJECT;
    xAttribute.pValue = aucBuffer;
    xAttribute.ulValueLen = sizeof( aucBuffer );
    prvCheckRv( pxFn->C_GetAttributeValue( xSession, xCertificate, &xAttribute, 1 ), CKR_OK, "C_GetAttributeValue certificate CKA_SUBJECT (from the DER)" );
    CHECK( ( xAttribute.ulValueLen > 2U ) && ( aucBuffer[ 0 ] == 0x30U ), "subject is a DER SEQUENCE" );

    /* ---- Key pair generation on the device, ECDSA ---- */
    {
        CK_MECHANISM xMechanism = { CKM_EC_KEY_PAIR_GEN, NULL_PTR, 0 };
        CK_ATTRIBUTE axPublic[] =
        {
            { CKA_KEY_TYPE,  &xEcType,                  sizeof( xEcType )            },
            { CKA_TOKEN,     &xTrue,                    sizeof( xTrue )              },
            { CKA_VERIFY,    &xTrue,                    sizeof( xTrue )              },
            { CKA_EC_PARAMS, aucEcParams,               sizeof( aucEcParams )        },
            { CKA_LABEL,     ( void * ) acGenPubLabel,  LABEL_LEN( acGenPubLabel )   }
        };
        CK_ATTRIBUTE axPrivate[] =
        {
            { CKA_KEY_TYPE,  &xEcType,                  sizeof( xEcType )            },
            { CKA_TOKEN,     &xTrue,                    sizeof( xTrue )              },
            { CKA_PRIVATE,   &xTrue,                    sizeof( xTrue )              },
            { CKA_SIGN,      &xTrue,                    sizeof( xTrue )              },
            { CKA_LABEL,     ( void * ) acGenPrivLabel, LABEL_LEN( acGenPrivLabel )  }
        };

        prvCheckRv( pxFn->C_GenerateKeyPair( xSession, &xMechanism,
                                             axPublic, sizeof( axPublic ) / sizeof( axPublic[ 0 ] ),
                                             axPrivate, sizeof( axPrivate ) / sizeof( axPrivate[ 0 ] ),
                                             &xGenPublic, &xGenPrivate ), CKR_OK, "C_GenerateKeyPair CKM_EC_KEY_PAIR_GEN P-256" );
        CHECK( ( xGenPublic != CK_INVALID_HANDLE ) && ( xGenPrivate != CK_INVALID_HANDLE ) && ( xGenPublic != xGenPrivate ), "generated key handles valid and distinct" );
    }
    xAttribute.type = CKA_EC_POINT;
    xAttribute.pValue = aucBuffer;
    xAttribute.ulValueLen = sizeof( aucBuffer );
    prvCheckRv( pxFn->C_GetAttributeValue( xSession, xGenPublic, &xAttribute, 1 ), CKR_OK, "C_GetAttributeValue generated CKA_EC_POINT" );
    CHECK( ( xAttribute.ulValueLen == 67U ) && ( aucBuffer[ 0 ] == 0x04U ) && ( aucBuffer[ 1 ] == 0x41U ) && ( aucBuffer[ 2 ] == 0x04U ), "CKA_EC_POINT is 04 41 04 || X || Y" );
    xAttribute.type = CKA_VALUE;
    xAttribute.pValue = aucBuffer;
    xAttribute.ulValueLen = sizeof( aucBuffer );
    prvCheckRv( pxFn->C_GetAttributeValue( xSession, xGenPrivate, &xAttribute, 1 ), CKR_ATTRIBUTE_SENSITIVE, "generated private CKA_VALUE is CKR_ATTRIBUTE_SENSITIVE" );

    prvCheckRv( prvDigest( ( const uint8_t * ) "abc", 3, aucDigest ), CKR_OK, "C_Digest before signing" );
    ulLength = 64;
    prvCheckRv( prvSign( CKM_ECDSA, xGenPrivate, aucDigest, 32, aucSignature, &ulLength ), CKR_OK, "C_Sign CKM_ECDSA with the generated key" );
    prvCheckRv( prvVerify( CKM_ECDSA, xGenPublic, aucDigest, 32, aucSignature, 64 ), CKR_OK, "C_Verify CKM_ECDSA with the generated key" );
    aucSignature[ 5 ] ^= 0x20U;
    prvCheckRv( prvVerify( CKM_ECDSA, xGenPublic, aucDigest, 32, aucSignature, 64 ), CKR_SIGNATURE_INVALID, "C_Verify generated key, flipped bit is CKR_SIGNATURE_INVALID" );
    prvCheckRv( prvVerify( CKM_ECDSA, xEcPublic, aucDigest, 32, aucSignature, 64 ), CKR_SIGNATURE_INVALID, "C_Verify with another key is CKR_SIGNATURE_INVALID" );
    {
        CK_MECHANISM xMechanism = { CKM_ECDSA_SHA256, NULL_PTR, 0 };

        ulLength = 64;
        xRv = pxFn->C_SignInit( xSession, &xMechanism, xGenPrivate );

        if( xRv == CKR_OK )
        {
            xRv = pxFn->C_SignUpdate( xSession, ( CK_BYTE_PTR ) "ab", 2 );
        }

        if( xRv == CKR_OK )
        {
            xRv = pxFn->C_SignUpdate( xSession, ( CK_BYTE_PTR ) "c", 1 );
        }

        if( xRv == CKR_OK )
        {
            xRv = pxFn->C_SignFinal( xSession, aucSignature, &ulLength );
        }

        prvCheckRv( xRv, CKR_OK, "C_SignUpdate/C_SignFinal CKM_ECDSA_SHA256 in two parts" );
        prvCheckRv( prvVerify( CKM_ECDSA, xGenPublic, aucSha256Abc, 32, aucSignature, 64 ), CKR_OK, "multi-part CKM_ECDSA_SHA256 signature verifies as CKM_ECDSA over SHA-256" );
    }

    /* ---- Search by label and class ---- */
    CHECK( prvFind( acGenPrivLabel, CKO_PRIVATE_KEY ) == xGenPrivate, "xFindObjectWithLabelAndClass finds the generated private key" );
    CHECK( prvFind( acGenPubLabel, CKO_PUBLIC_KEY ) == xGenPublic, "xFindObjectWithLabelAndClass finds the generated public key" );
    CHECK( prvFind( acCertLabel, CKO_CERTIFICATE ) == xCertificate, "xFindObjectWithLabelAndClass finds the certificate" );
    CHECK( prvFind( acRsaPrivLabel, CKO_PRIVATE_KEY ) == xRsaPrivate, "xFindObjectWithLabelAndClass finds the RSA private key" );
    CHECK( prvFind( acEcPubLabel, CKO_PUBLIC_KEY ) == xEcPublic, "xFindObjectWithLabelAndClass finds the EC public key" );
    CHECK( prvFind( "No Such Object", CKO_CERTIFICATE ) == CK_INVALID_HANDLE, "missing label gives CK_INVALID_HANDLE" );
    CHECK( prvFind( acGenPrivLabel, CKO_CERTIFICATE ) == CK_INVALID_HANDLE, "right label, wrong class is not found" );
    CHECK( prvFind( "Device", CKO_PRIVATE_KEY ) == CK_INVALID_HANDLE, "a label prefix does not match" );
    {
        CK_ATTRIBUTE xTemplate = { CKA_CLASS, &xPrivateClass, sizeof( xPrivateClass ) };
        CK_OBJECT_HANDLE axFound[ 8 ];

        ulCount = 0;
        xRv = pxFn->C_FindObjectsInit( xSession, &xTemplate, 1 );

        if( xRv == CKR_OK )
        {
            xRv = pxFn->C_FindObjects( xSession, axFound, 8, &ulCount );
        }

        prvCheckRv( pxFn->C_FindObjectsFinal( xSession ), CKR_OK, "C_FindObjectsFinal" );
        prvCheckRv( xRv, CKR_OK, "C_FindObjects by CKA_CLASS" );
        CHECK( ulCount == 3U, "three private keys (EC imported, RSA, EC generated)" );
    }

    /* ---- Random numbers ---- */
    memset( aucSignature, 0, 32 );
    memset( aucSignature2, 0, 32 );
    prvCheckRv( pxFn->C_GenerateRandom( xSession, aucSignature, 32 ), CKR_OK, "C_GenerateRandom 32 bytes" );
    prvCheckRv( pxFn->C_GenerateRandom( xSession, aucSignature2, 32 ), CKR_OK, "C_GenerateRandom 32 bytes again" );
    CHECK( !prvAllSame( aucSignature, 32, 0 ) && ( memcmp( aucSignature, aucSignature2, 32 ) != 0 ), "random outputs are non-zero and differ" );
    prvCheckRv( pxFn->C_GenerateRandom( xSession, aucBuffer, sizeof( aucBuffer ) ), CKR_OK, "C_GenerateRandom 1000 bytes" );
    {
        /* A crude sanity check: no byte value more than 5% of a 1000-byte draw. */
        uint16_t ausCounts[ 256 ];
        uint16_t usMax = 0;

        memset( ausCounts, 0, sizeof( ausCounts ) );

        for( i = 0; i < sizeof( aucBuffer ); i++ )
        {
            ausCounts[ aucBuffer[ i ] ]++;
        }

        for( i = 0; i < 256U; i++ )
        {
            usMax = ( ausCounts[ i ] > usMax ) ? ausCounts[ i ] : usMax;
        }

        CHECK( usMax < 50U, "random bytes are spread out" );
    }
    prvCheckRv( pxFn->C_GenerateRandom( xSession, NULL_PTR, 32 ), CKR_ARGUMENTS_BAD, "C_GenerateRandom NULL buffer is CKR_ARGUMENTS_BAD" );

    /* ---- Error paths ---- */
    {
        CK_MECHANISM xEcdsa = { CKM_ECDSA, NULL_PTR, 0 };
        CK_MECHANISM xAes = { CKM_AES_CBC, NULL_PTR, 0 };

        prvCheckRv( pxFn->C_SignInit( xSession, &xEcdsa, ( CK_OBJECT_HANDLE ) 0xBAD0U ), CKR_KEY_HANDLE_INVALID, "C_SignInit bad key handle is CKR_KEY_HANDLE_INVALID" );
        prvCheckRv( pxFn->C_SignInit( ( CK_SESSION_HANDLE ) 0xBAD0U, &xEcdsa, xGenPrivate ), CKR_SESSION_HANDLE_INVALID, "C_SignInit bad session is CKR_SESSION_HANDLE_INVALID" );
        prvCheckRv( pxFn->C_SignInit( xSession, &xEcdsa, xGenPublic ), CKR_KEY_TYPE_INCONSISTENT, "C_SignInit with a public key is CKR_KEY_TYPE_INCONSISTENT" );
        prvCheckRv( pxFn->C_SignInit( xSession, &xEcdsa, xRsaPrivate ), CKR_KEY_TYPE_INCONSISTENT, "C_SignInit CKM_ECDSA with an RSA key is CKR_KEY_TYPE_INCONSISTENT" );
        prvCheckRv( pxFn->C_SignInit( xSession, &xAes, xGenPrivate ), CKR_MECHANISM_INVALID, "C_SignInit CKM_AES_CBC is CKR_MECHANISM_INVALID" );
        ulLength = 64;
        prvCheckRv( pxFn->C_Sign( xSession, aucDigest, 32, aucSignature, &ulLength ), CKR_OPERATION_NOT_INITIALIZED, "C_Sign without C_SignInit is CKR_OPERATION_NOT_INITIALIZED" );
        xAttribute.type = CKA_LABEL;
        xAttribute.pValue = aucBuffer;
        xAttribute.ulValueLen = sizeof( aucBuffer );
        prvCheckRv( pxFn->C_GetAttributeValue( xSession, ( CK_OBJECT_HANDLE ) 0xBAD0U, &xAttribute, 1 ), CKR_OBJECT_HANDLE_INVALID, "C_GetAttributeValue bad object is CKR_OBJECT_HANDLE_INVALID" );
        prvCheckRv( pxFn->C_DestroyObject( xSession, ( CK_OBJECT_HANDLE ) 0xBAD0U ), CKR_OBJECT_HANDLE_INVALID, "C_DestroyObject bad object is CKR_OBJECT_HANDLE_INVALID" );

        prvCheckRv( pxFn->C_EncryptInit( xSession, &xAes, xGenPublic ), CKR_FUNCTION_NOT_SUPPORTED, "C_EncryptInit is CKR_FUNCTION_NOT_SUPPORTED" );
        prvCheckRv( pxFn->C_DecryptInit( xSession, &xAes, xGenPrivate ), CKR_FUNCTION_NOT_SUPPORTED, "C_DecryptInit is CKR_FUNCTION_NOT_SUPPORTED" );
        prvCheckRv( pxFn->C_GenerateKey( xSession, &xAes, NULL_PTR, 0, &xCertificate ), CKR_FUNCTION_NOT_SUPPORTED, "C_GenerateKey is CKR_FUNCTION_NOT_SUPPORTED" );
        prvCheckRv( pxFn->C_CopyObject( xSession, xCertificate, NULL_PTR, 0, &xCertificate ), CKR_FUNCTION_NOT_SUPPORTED, "C_CopyObject is CKR_FUNCTION_NOT_SUPPORTED" );
        prvCheckRv( pxFn->C_WaitForSlotEvent( 0, NULL_PTR, NULL_PTR ), CKR_FUNCTION_NOT_SUPPORTED, "C_WaitForSlotEvent is CKR_FUNCTION_NOT_SUPPORTED" );
    }

    /* ---- Concurrency through the FreeRTOS port ---- */
    prvTestConcurrency( xRsaPrivate );

    /* ---- Private objects need login ---- */
    prvCheckRv( pxFn->C_Logout( xSession ), CKR_OK, "C_Logout" );
    CHECK( prvFind( acGenPrivLabel, CKO_PRIVATE_KEY ) == CK_INVALID_HANDLE, "private key is invisible after logout" );
    CHECK( prvFind( acGenPubLabel, CKO_PUBLIC_KEY ) == xGenPublic, "public key stays visible after logout" );
    prvCheckRv( pxFn->C_Login( xSession, CKU_USER, ( CK_UTF8CHAR_PTR ) pkcs11configPKCS11_DEFAULT_USER_PIN,
                               LABEL_LEN( pkcs11configPKCS11_DEFAULT_USER_PIN ) ), CKR_OK, "C_Login again" );

    /* ---- Destroying objects ---- */
    prvCheckRv( pxFn->C_DestroyObject( xSession, xCertificate ), CKR_OK, "C_DestroyObject certificate" );
    CHECK( prvFind( acCertLabel, CKO_CERTIFICATE ) == CK_INVALID_HANDLE, "destroyed certificate is gone" );

    /* ---- Shutdown ---- */
    prvCheckRv( pxFn->C_CloseSession( xSession ), CKR_OK, "C_CloseSession" );
    prvCheckRv( pxFn->C_Finalize( NULL_PTR ), CKR_OK, "C_Finalize" );
    prvCheckRv( pxFn->C_GetTokenInfo( xSlot, &xTokenInfo ), CKR_CRYPTOKI_NOT_INITIALIZED, "C_GetTokenInfo after C_Finalize is CKR_CRYPTOKI_NOT_INITIALIZED" );

    /* ---- With a block device: token objects outlive C_Finalize ---- */
    if( lStorage > 0 )
    {
        CK_OBJECT_HANDLE xFound;

        prvCheckRv( xInitializePkcs11Session( &xSession ), CKR_OK, "persistence: xInitializePkcs11Session again (mounts the store)" );
        CHECK( prvFind( acGenPrivLabel, CKO_PRIVATE_KEY ) != CK_INVALID_HANDLE, "persistence: the generated private key is still there" );
        CHECK( prvFind( acEcPubLabel, CKO_PUBLIC_KEY ) != CK_INVALID_HANDLE, "persistence: the imported EC public key is still there" );
        CHECK( prvFind( acCertLabel, CKO_CERTIFICATE ) == CK_INVALID_HANDLE, "persistence: the destroyed certificate stays destroyed" );
        xFound = prvFind( acRsaPrivLabel, CKO_PRIVATE_KEY );
        ulLength = sizeof( aucSignature );
        memset( aucSignature, 0, sizeof( aucSignature ) );
        prvCheckRv( prvSign( CKM_SHA256_RSA_PKCS, xFound, ( const uint8_t * ) acKnownAnswerMessage, LABEL_LEN( acKnownAnswerMessage ), aucSignature, &ulLength ),
                    CKR_OK, "persistence: C_Sign with the reloaded RSA key" );
        CHECK( ( ulLength == 256U ) && ( memcmp( aucSignature, aucRsa2048Sha256KnownSignature, 256 ) == 0 ), "persistence: the reloaded RSA key gives the known answer" );
        prvCheckRv( pxFn->C_CloseSession( xSession ), CKR_OK, "persistence: C_CloseSession" );
        prvCheckRv( pxFn->C_Finalize( NULL_PTR ), CKR_OK, "persistence: C_Finalize" );
    }
    else
    {
        printf( "     (no block device: the persistence checks are skipped)\n" );
    }

    vDemoPrintResources();
    printf( "%u passed, %u failed\n", uxPassed, uxFailed );
    return ( uxFailed == 0U ) ? 0 : 1;
}
