/*
 * core-pkcs11 FreeRTOS demo, image provision_demo: provisioning a device the
 * corePKCS11 way, then using the persisted credentials on the next boot.
 *
 * SPDX-License-Identifier: MIT
 * Copyright (c) the core-pkcs11 authors.
 *
 * Uses only core_pkcs11.h (the corePKCS11 wrappers and the function list).
 * The token keeps its objects on a block device backed by a host image file
 * (port/qemu-mps2/mps2_block_device.c), named on QEMU's command line.
 *
 * Boot 1 (empty image): generates the TLS key pair on the device
 *   ("Device Priv TLS Key" / "Device Pub TLS Key", token objects), imports the
 *   device certificate ("Device Cert") and the root CA certificate
 *   ("Root Cert"), prints the public key, signs and verifies once.
 * Boot 2 (same image): finds the four objects by label and class, prints the
 *   public key, signs with the persisted private key and verifies with the
 *   persisted public key. Nothing is provisioned twice.
 *
 * Lines the run script looks for:
 *   "provision: state EMPTY" / "provision: state PROVISIONED"
 *   "public key CKA_EC_POINT (67 bytes):" followed by the hex
 *   "provision: boot 1 done: provisioned" / "provision: boot 2 done: used the persisted objects, nothing provisioned"
 * Exit code 0 on success.
 */

#include <stdio.h>
#include <string.h>

#include "core_pkcs11_config.h"
#include "core_pkcs11_config_defaults.h"
#include "core_pkcs11.h"

#include "demo.h"
#include "test_vectors.h"

const char * const pcDemoName = "provision_demo (provisioning, persistence across boots)";

#define LABEL_LEN( label )    ( ( CK_ULONG ) ( sizeof( label ) - 1U ) )

static const char acPrivateKeyLabel[] = pkcs11configLABEL_DEVICE_PRIVATE_KEY_FOR_TLS;
static const char acPublicKeyLabel[] = pkcs11configLABEL_DEVICE_PUBLIC_KEY_FOR_TLS;
static const char acDeviceCertLabel[] = pkcs11configLABEL_DEVICE_CERTIFICATE_FOR_TLS;
static const char acRootCertLabel[] = pkcs11configLABEL_ROOT_CERTIFICATE;

typedef struct Credentials
{
    CK_OBJECT_HANDLE xPrivateKey;
    CK_OBJECT_HANDLE xPublicKey;
    CK_OBJECT_HANDLE xDeviceCert;
    CK_OBJECT_HANDLE xRootCert;
} Credentials_t;

static CK_FUNCTION_LIST_PTR pxFn = NULL;

static void prvFail( const char * pcWhat,
                     CK_RV xRv )
{
    printf( "provision: FAILED: %s (CK_RV 0x%lx)\n", pcWhat, ( unsigned long ) xRv );
}

static CK_RV prvFindAll( CK_SESSION_HANDLE xSession,
                         Credentials_t * pxCredentials )
{
    CK_RV xRv;

    xRv = xFindObjectWithLabelAndClass( xSession, ( char * ) acPrivateKeyLabel, LABEL_LEN( acPrivateKeyLabel ), CKO_PRIVATE_KEY, &pxCredentials->xPrivateKey );

    if( xRv == CKR_OK )
    {
        xRv = xFindObjectWithLabelAndClass( xSession, ( char * ) acPublicKeyLabel, LABEL_LEN( acPublicKeyLabel ), CKO_PUBLIC_KEY, &pxCredentials->xPublicKey );
    }

    if( xRv == CKR_OK )
    {
        xRv = xFindObjectWithLabelAndClass( xSession, ( char * ) acDeviceCertLabel, LABEL_LEN( acDeviceCertLabel ), CKO_CERTIFICATE, &pxCredentials->xDeviceCert );
    }

    if( xRv == CKR_OK )
    {
        xRv = xFindObjectWithLabelAndClass( xSession, ( char * ) acRootCertLabel, LABEL_LEN( acRootCertLabel ), CKO_CERTIFICATE, &pxCredentials->xRootCert );
    }

    return xRv;
}

static int prvCountFound( const Credentials_t * pxCredentials )
{
    return ( ( pxCredentials->xPrivateKey != CK_INVALID_HANDLE ) ? 1 : 0 ) +
           ( ( pxCredentials->xPublicKey != CK_INVALID_HANDLE ) ? 1 : 0 ) +
           ( ( pxCredentials->xDeviceCert != CK_INVALID_HANDLE ) ? 1 : 0 ) +
           ( ( pxCredentials->xRootCert != CK_INVALID_HANDLE ) ? 1 : 0 );
}

/* C_CreateObject of a certificate, with corePKCS11's template. */
static CK_RV prvImportCertificate( CK_SESSION_HANDLE xSession,
                                   const char * pcLabel,
                                   const uint8_t * pucDer,
                                   CK_ULONG ulDerLength,
                                   CK_OBJECT_HANDLE * pxHandle )
{
    CK_OBJECT_CLASS xClass = CKO_CERTIFICATE;
    CK_CERTIFICATE_TYPE xType = CKC_X_509;
    CK_BBOOL xTrue = CK_TRUE;
    CK_BYTE aucSubject[] = "TestSubject";
    PKCS11_CertificateTemplate_t xTemplate;

    xTemplate.xObjectClass.type = CKA_CLASS;
    xTemplate.xObjectClass.pValue = &xClass;
    xTemplate.xObjectClass.ulValueLen = sizeof( xClass );
    xTemplate.xSubject.type = CKA_SUBJECT;
    xTemplate.xSubject.pValue = aucSubject;
    xTemplate.xSubject.ulValueLen = ( CK_ULONG ) strlen( ( const char * ) aucSubject );
    xTemplate.xCertificateType.type = CKA_CERTIFICATE_TYPE;
    xTemplate.xCertificateType.pValue = &xType;
    xTemplate.xCertificateType.ulValueLen = sizeof( xType );
    xTemplate.xValue.type = CKA_VALUE;
    xTemplate.xValue.pValue = ( CK_VOID_PTR ) pucDer;
    xTemplate.xValue.ulValueLen = ulDerLength;
    xTemplate.xLabel.type = CKA_LABEL;
    xTemplate.xLabel.pValue = ( CK_VOID_PTR ) pcLabel;
    xTemplate.xLabel.ulValueLen = ( CK_ULONG ) strlen( pcLabel );
    xTemplate.xTokenObject.type = CKA_TOKEN;
    xTemplate.xTokenObject.pValue = &xTrue;
    xTemplate.xTokenObject.ulValueLen = sizeof( xTrue );

    return pxFn->C_CreateObject( xSession, ( CK_ATTRIBUTE_PTR ) &xTemplate,
                                 sizeof( xTemplate ) / sizeof( CK_ATTRIBUTE ), pxHandle );
}

/* Boot 1: the TLS key pair generated on the device, and the two certificates. */
static CK_RV prvProvision( CK_SESSION_HANDLE xSession,
                           Credentials_t * pxCredentials )
{
    CK_MECHANISM xMechanism = { CKM_EC_KEY_PAIR_GEN, NULL_PTR, 0 };
    CK_BYTE aucEcParams[] = pkcs11DER_ENCODED_OID_P256;
    CK_KEY_TYPE xKeyType = CKK_EC;
    CK_BBOOL xTrue = CK_TRUE;
    CK_RV xRv;
    CK_ATTRIBUTE axPublic[] =
    {
        { CKA_KEY_TYPE,  &xKeyType,                   sizeof( xKeyType )              },
        { CKA_VERIFY,    &xTrue,                      sizeof( xTrue )                 },
        { CKA_EC_PARAMS, aucEcParams,                 sizeof( aucEcParams )           },
        { CKA_TOKEN,     &xTrue,                      sizeof( xTrue )                 },
        { CKA_LABEL,     ( void * ) acPublicKeyLabel, LABEL_LEN( acPublicKeyLabel )   }
    };
    CK_ATTRIBUTE axPrivate[] =
    {
        { CKA_KEY_TYPE,  &xKeyType,                    sizeof( xKeyType )             },
        { CKA_TOKEN,     &xTrue,                       sizeof( xTrue )                },
        { CKA_PRIVATE,   &xTrue,                       sizeof( xTrue )                },
        { CKA_SIGN,      &xTrue,                       sizeof( xTrue )                },
        { CKA_LABEL,     ( void * ) acPrivateKeyLabel, LABEL_LEN( acPrivateKeyLabel ) }
    };

    printf( "provision: C_GenerateKeyPair CKM_EC_KEY_PAIR_GEN P-256 (\"%s\", \"%s\")\n", acPrivateKeyLabel, acPublicKeyLabel );
    xRv = pxFn->C_GenerateKeyPair( xSession, &xMechanism,
                                   axPublic, sizeof( axPublic ) / sizeof( axPublic[ 0 ] ),
                                   axPrivate, sizeof( axPrivate ) / sizeof( axPrivate[ 0 ] ),
                                   &pxCredentials->xPublicKey, &pxCredentials->xPrivateKey );

    if( xRv != CKR_OK )
    {
        prvFail( "C_GenerateKeyPair", xRv );
        return xRv;
    }

    printf( "provision: C_CreateObject \"%s\" (%u-byte DER)\n", acDeviceCertLabel, ( unsigned ) sizeof( aucP256LeafV1Der ) );
    xRv = prvImportCertificate( xSession, acDeviceCertLabel, aucP256LeafV1Der, sizeof( aucP256LeafV1Der ), &pxCredentials->xDeviceCert );

    if( xRv != CKR_OK )
    {
        prvFail( "C_CreateObject Device Cert", xRv );
        return xRv;
    }

    printf( "provision: C_CreateObject \"%s\" (%u-byte DER)\n", acRootCertLabel, ( unsigned ) sizeof( aucP256CertificateDer ) );
    xRv = prvImportCertificate( xSession, acRootCertLabel, aucP256CertificateDer, sizeof( aucP256CertificateDer ), &pxCredentials->xRootCert );

    if( xRv != CKR_OK )
    {
        prvFail( "C_CreateObject Root Cert", xRv );
    }

    return xRv;
}

static CK_RV prvPrintPublicKey( CK_SESSION_HANDLE xSession,
                                CK_OBJECT_HANDLE xPublicKey )
{
    uint8_t aucPoint[ 80 ];
    CK_ATTRIBUTE xAttribute = { CKA_EC_POINT, aucPoint, sizeof( aucPoint ) };
    CK_RV xRv = pxFn->C_GetAttributeValue( xSession, xPublicKey, &xAttribute, 1 );

    if( xRv == CKR_OK )
    {
        vDemoPrintHex( "public key CKA_EC_POINT", aucPoint, xAttribute.ulValueLen );
    }
    else
    {
        prvFail( "C_GetAttributeValue CKA_EC_POINT", xRv );
    }

    return xRv;
}

/* What a TLS stack does with the credentials: hash, sign with the private key
 * and (here, as a check) verify with the public key. */
static CK_RV prvSignAndVerify( CK_SESSION_HANDLE xSession,
                               const Credentials_t * pxCredentials,
                               const char * pcMessage )
{
    CK_MECHANISM xDigest = { CKM_SHA256, NULL_PTR, 0 };
    CK_MECHANISM xEcdsa = { CKM_ECDSA, NULL_PTR, 0 };
    uint8_t aucHash[ pkcs11SHA256_DIGEST_LENGTH ];
    uint8_t aucSignature[ pkcs11ECDSA_P256_SIGNATURE_LENGTH ];
    CK_ULONG ulLength = sizeof( aucHash );
    CK_RV xRv;

    xRv = pxFn->C_DigestInit( xSession, &xDigest );

    if( xRv == CKR_OK )
    {
        xRv = pxFn->C_Digest( xSession, ( CK_BYTE_PTR ) pcMessage, ( CK_ULONG ) strlen( pcMessage ), aucHash, &ulLength );
    }

    if( xRv != CKR_OK )
    {
        prvFail( "C_Digest", xRv );
        return xRv;
    }

    ulLength = sizeof( aucSignature );
    xRv = pxFn->C_SignInit( xSession, &xEcdsa, pxCredentials->xPrivateKey );

    if( xRv == CKR_OK )
    {
        xRv = pxFn->C_Sign( xSession, aucHash, sizeof( aucHash ), aucSignature, &ulLength );
    }

    if( xRv != CKR_OK )
    {
        prvFail( "C_SignInit/C_Sign with \"" pkcs11configLABEL_DEVICE_PRIVATE_KEY_FOR_TLS "\"", xRv );
        return xRv;
    }

    printf( "provision: C_Sign CKM_ECDSA over SHA-256(\"%s\"): OK\n", pcMessage );
    vDemoPrintHex( "signature (r || s)", aucSignature, ulLength );

    xRv = pxFn->C_VerifyInit( xSession, &xEcdsa, pxCredentials->xPublicKey );

    if( xRv == CKR_OK )
    {
        xRv = pxFn->C_Verify( xSession, aucHash, sizeof( aucHash ), aucSignature, ulLength );
    }

    printf( "provision: C_Verify with \"%s\": %s (CK_RV 0x%lx)\n", acPublicKeyLabel,
            ( xRv == CKR_OK ) ? "signature valid" : "FAILED", ( unsigned long ) xRv );

    return xRv;
}

int lDemoRun( void )
{
    CK_SESSION_HANDLE xSession = CK_INVALID_HANDLE;
    Credentials_t xCredentials = { CK_INVALID_HANDLE, CK_INVALID_HANDLE, CK_INVALID_HANDLE, CK_INVALID_HANDLE };
    int32_t lCreated = 0;
    int32_t lStorage;
    int iFound;
    int iBoot;
    CK_RV xRv;

    lStorage = lDemoAttachStorage( &lCreated );

    if( lStorage < 0 )
    {
        printf( "provision: FAILED: no storage\n" );
        return 1;
    }

    if( lStorage > 0 )
    {
        printf( "provision: image %s %s\n", pcDemoImagePath(), lCreated ? "was created (empty flash)" : "exists" );
    }

    /* corePKCS11's usual start: C_Initialize, first slot, R/W session, login
     * with the default PIN. */
    xRv = xInitializePkcs11Session( &xSession );

    if( xRv != CKR_OK )
    {
        prvFail( "xInitializePkcs11Session", xRv );
        return 1;
    }

    xRv = C_GetFunctionList( &pxFn );

    if( ( xRv != CKR_OK ) || ( pxFn == NULL ) )
    {
        prvFail( "C_GetFunctionList", xRv );
        return 1;
    }

    xRv = prvFindAll( xSession, &xCredentials );

    if( xRv != CKR_OK )
    {
        prvFail( "xFindObjectWithLabelAndClass", xRv );
        return 1;
    }

    iFound = prvCountFound( &xCredentials );

    if( iFound == 0 )
    {
        iBoot = 1;
        printf( "provision: state EMPTY: no credentials on the token, provisioning\n" );
        xRv = prvProvision( xSession, &xCredentials );

        if( xRv != CKR_OK )
        {
            return 1;
        }

        /* Read back what was stored, the way boot 2 will. */
        memset( &xCredentials, 0, sizeof( xCredentials ) );
        xRv = prvFindAll( xSession, &xCredentials );

        if( ( xRv != CKR_OK ) || ( prvCountFound( &xCredentials ) != 4 ) )
        {
            prvFail( "the provisioned objects are not all found again", xRv );
            return 1;
        }
    }
    else if( iFound == 4 )
    {
        iBoot = 2;
        printf( "provision: state PROVISIONED: found \"%s\", \"%s\", \"%s\", \"%s\" by label and class: not provisioning again\n",
                acPrivateKeyLabel, acPublicKeyLabel, acDeviceCertLabel, acRootCertLabel );
    }
    else
    {
        printf( "provision: FAILED: state PARTIAL: %d of the 4 credentials are on the token\n", iFound );
        return 1;
    }

    if( prvPrintPublicKey( xSession, xCredentials.xPublicKey ) != CKR_OK )
    {
        return 1;
    }

    {
        uint8_t aucCert[ 600 ];
        CK_ATTRIBUTE xAttribute = { CKA_VALUE, aucCert, sizeof( aucCert ) };

        xRv = pxFn->C_GetAttributeValue( xSession, xCredentials.xDeviceCert, &xAttribute, 1 );

        if( ( xRv != CKR_OK ) || ( xAttribute.ulValueLen != sizeof( aucP256LeafV1Der ) ) ||
            ( memcmp( aucCert, aucP256LeafV1Der, sizeof( aucP256LeafV1Der ) ) != 0 ) )
        {
            prvFail( "Device Cert does not read back as imported", xRv );
            return 1;
        }

        xAttribute.pValue = aucCert;
        xAttribute.ulValueLen = sizeof( aucCert );
        xRv = pxFn->C_GetAttributeValue( xSession, xCredentials.xRootCert, &xAttribute, 1 );

        if( ( xRv != CKR_OK ) || ( xAttribute.ulValueLen != sizeof( aucP256CertificateDer ) ) ||
            ( memcmp( aucCert, aucP256CertificateDer, sizeof( aucP256CertificateDer ) ) != 0 ) )
        {
            prvFail( "Root Cert does not read back as imported", xRv );
            return 1;
        }

        printf( "provision: \"%s\" (%u bytes) and \"%s\" (%u bytes) read back unchanged\n",
                acDeviceCertLabel, ( unsigned ) sizeof( aucP256LeafV1Der ),
                acRootCertLabel, ( unsigned ) sizeof( aucP256CertificateDer ) );
    }

    if( prvSignAndVerify( xSession, &xCredentials, ( iBoot == 1 ) ? "boot 1: freshly provisioned" : "boot 2: persisted credentials" ) != CKR_OK )
    {
        return 1;
    }

    ( void ) pxFn->C_CloseSession( xSession );
    xRv = pxFn->C_Finalize( NULL_PTR );

    if( xRv != CKR_OK )
    {
        prvFail( "C_Finalize", xRv );
        return 1;
    }

    vDemoPrintResources();

    if( iBoot == 1 )
    {
        printf( "provision: boot 1 done: provisioned\n" );
    }
    else
    {
        printf( "provision: boot 2 done: used the persisted objects, nothing provisioned\n" );
    }

    return 0;
}
