package io.github.skrl4j.adam.distributed.wire;

import io.github.skrl4j.adam.distributed.openssl.OpenSslTlsEngines;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** The TLS engine sources the TLS tests run over: the JDK's and BoringSSL's (netty-tcnative, a test dependency). */
enum TlsKind {
    JDK {
        @Override
        TlsEngines engines(KeyManagerFactory keys, TrustManagerFactory trust) throws Exception {
            SSLContext context = SSLContext.getInstance("TLSv1.3");
            context.init(keys.getKeyManagers(), trust.getTrustManagers(), null);
            return TlsEngines.jdk(context);
        }
    },
    OPENSSL {
        @Override
        TlsEngines engines(KeyManagerFactory keys, TrustManagerFactory trust) {
            return OpenSslTlsEngines.of(keys, trust);
        }
    };

    abstract TlsEngines engines(KeyManagerFactory keys, TrustManagerFactory trust) throws Exception;
}
