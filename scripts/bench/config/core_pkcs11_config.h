/*
 * core-pkcs11 configuration for the benchmark build (scripts/bench/host.sh).
 *
 * The default build holds 6 objects and 10 sessions, too few for the benchmark's
 * ~20 search objects plus its keys. Build with
 *     CORE_PKCS11_CONFIG_DIR=$PWD/scripts/bench/config \
 *         cargo build -p core-pkcs11 --release --target-dir target/bench
 * (an absolute path is required; the separate target dir keeps the normal build's
 * configuration untouched). Every other macro takes its documented default.
 */
#ifndef CORE_PKCS11_CONFIG_H_
#define CORE_PKCS11_CONFIG_H_

#define pkcs11configMAX_NUM_OBJECTS    256
#define pkcs11configMAX_SESSIONS       64

#endif /* CORE_PKCS11_CONFIG_H_ */
