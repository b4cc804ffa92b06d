import 'reflect-metadata';
import type * as x509 from '@peculiar/x509';

/** Attribute names as openssl prints them, where @peculiar/x509 names them otherwise or by OID. */
const OPENSSL_NAMES: Record<string, string> = {
  E: 'emailAddress',
  G: 'GN',
  I: 'initials',
  T: 'title',
  '2.5.4.5': 'serialNumber',
  '2.5.4.9': 'street',
  '2.5.4.17': 'postalCode',
  '0.9.2342.19200300.100.1.1': 'UID',
};

/**
 * A distinguished name as DescribeCertificate shows an import's Subject: the attributes in the order the
 * certificate holds them (the order openssl prints), `type=value` joined by commas without spaces, e.g.
 * `C=AU,ST=Some-State,O=Org,CN=localhost`. Values of one multi-valued RDN are joined by `+`; a comma, plus
 * or backslash inside a value is escaped with a backslash (RFC 4514), so the text stays unambiguous.
 */
export function formatDistinguishedName(name: x509.Name): string {
  return name
    .toJSON()
    .map((rdn) =>
      Object.entries(rdn)
        .flatMap(([type, values]) =>
          values.map((value) => `${OPENSSL_NAMES[type] ?? type}=${escapeValue(value)}`),
        )
        .join('+'),
    )
    .join(',');
}

/** How DescribeCertificate names an import's issuer: its organisation (O), else its CN, else the whole DN. */
export function issuerDisplayName(issuer: x509.Name): string {
  return issuer.getField('O')[0] ?? issuer.getField('CN')[0] ?? formatDistinguishedName(issuer);
}

/** The certificate's subject common name, if it has one. */
export function commonName(subject: x509.Name): string | undefined {
  return subject.getField('CN')[0];
}

function escapeValue(value: string): string {
  return value.replace(/[\\,+]/g, (character) => `\\${character}`);
}
