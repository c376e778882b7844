//! A certificate authority made by the test, for the receivers' TLS modes.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

/// A fresh CA and a `localhost` server certificate it signed. The sender
/// trusts it through `SSL_CERT_FILE` = [`TestCa::ca_file`], as it would a
/// company's internal CA.
pub struct TestCa {
    /// The CA certificate (PEM).
    pub ca_file: PathBuf,
    /// The server side: the `localhost` certificate, for a test's own
    /// TLS server.
    pub server: Arc<rustls::ServerConfig>,
}

impl TestCa {
    /// Make one; the CA certificate is written to `dir/test-ca.pem`.
    pub fn new(dir: &Path) -> TestCa {
        let ca_key = rcgen::KeyPair::generate().unwrap();
        let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
        ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        ca_params.key_usages = vec![
            rcgen::KeyUsagePurpose::KeyCertSign,
            rcgen::KeyUsagePurpose::DigitalSignature,
        ];
        let ca_cert = ca_params.self_signed(&ca_key).unwrap();
        let issuer = rcgen::Issuer::new(ca_params, &ca_key);
        let key = rcgen::KeyPair::generate().unwrap();
        let cert = rcgen::CertificateParams::new(vec!["localhost".to_owned()])
            .unwrap()
            .signed_by(&key, &issuer)
            .unwrap();
        let ca_file = dir.join("test-ca.pem");
        std::fs::write(&ca_file, ca_cert.pem()).unwrap();
        let server = rustls::ServerConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            vec![CertificateDer::from(cert.der().to_vec())],
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
        )
        .unwrap();
        TestCa {
            ca_file,
            server: Arc::new(server),
        }
    }
}

/// The server side of a TLS connection over `tcp`.
pub(super) fn accept<S: std::io::Read + std::io::Write>(
    config: &Arc<rustls::ServerConfig>,
    tcp: S,
) -> std::io::Result<rustls::StreamOwned<rustls::ServerConnection, S>> {
    let c = rustls::ServerConnection::new(config.clone()).map_err(std::io::Error::other)?;
    Ok(rustls::StreamOwned::new(c, tcp))
}
