/*
 * Default (empty) corePKCS11 configuration used when CORE_PKCS11_CONFIG_DIR is not set:
 * every pkcs11config* macro takes its documented default from core_pkcs11_config_defaults.h.
 *
 * To configure the library, point CORE_PKCS11_CONFIG_DIR at the directory holding your
 * application's own core_pkcs11_config.h when building.
 */
#ifndef CORE_PKCS11_CONFIG_H_
#define CORE_PKCS11_CONFIG_H_

#endif /* CORE_PKCS11_CONFIG_H_ */
