/*
 * core_pkcs11_config.h of the standard-consumer tests (tests/consumers/run.sh).
 *
 * pkcs11-tool --test, p11tool and the OpenSSL engine create several session and
 * token objects and open several sessions at once: more room than the defaults
 * (6 objects, 10 sessions). Everything else keeps its documented default
 * (default user PIN "0000").
 */
#ifndef CORE_PKCS11_CONFIG_H_
#define CORE_PKCS11_CONFIG_H_

#define pkcs11configMAX_NUM_OBJECTS    64
#define pkcs11configMAX_SESSIONS       16

#endif /* CORE_PKCS11_CONFIG_H_ */
