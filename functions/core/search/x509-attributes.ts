import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { extendedKeyUsageNames, keyUsageNames } from '../issuance/usage-names.ts';
import type { CertificateRecord, KeyAlgorithm } from '../model.ts';

/** ACM's DistinguishedName: the well-known attributes by name, any other in `customAttributes`. */
export interface DistinguishedName {
  commonName?: string;
  domainComponents?: string[];
  country?: string;
  customAttributes?: Array<{ objectIdentifier: string; value: string }>;
  distinguishedNameQualifier?: string;
  generationQualifier?: string;
  givenName?: string;
  initials?: string;
  locality?: string;
  organization?: string;
  organizationalUnit?: string;
  pseudonym?: string;
  serialNumber?: string;
  state?: string;
  surname?: string;
  title?: string;
}

/** ACM's GeneralName union: exactly one member set. */
export type GeneralName =
  | { dnsName: string }
  | { ipAddress: string }
  | { rfc822Name: string }
  | { uniformResourceIdentifier: string }
  | { registeredId: string }
  | { directoryName: DistinguishedName }
  | { otherName: { objectIdentifier: string; value: string } };

/** What SearchCertificates reads from a certificate body (ACM's X509Attributes). */
export interface X509Attributes {
  issuer: DistinguishedName;
  subject: DistinguishedName;
  subjectAlternativeNames: GeneralName[];
  extendedKeyUsages: string[];
  keyAlgorithm: KeyAlgorithm;
  keyUsages: string[];
  /** Colon-separated lowercase hex bytes, as the SerialNumber filter takes it. */
  serialNumber: string;
  notAfter: Date;
  notBefore: Date;
}

type SingleValued = Exclude<keyof DistinguishedName, 'domainComponents' | 'customAttributes'>;

const DOMAIN_COMPONENT = '0.9.2342.19200300.100.1.25';
const SINGLE_VALUED: Record<string, SingleValued> = {
  '2.5.4.3': 'commonName',
  '2.5.4.6': 'country',
  '2.5.4.46': 'distinguishedNameQualifier',
  '2.5.4.44': 'generationQualifier',
  '2.5.4.42': 'givenName',
  '2.5.4.43': 'initials',
  '2.5.4.7': 'locality',
  '2.5.4.10': 'organization',
  '2.5.4.11': 'organizationalUnit',
  '2.5.4.65': 'pseudonym',
  '2.5.4.5': 'serialNumber',
  '2.5.4.8': 'state',
  '2.5.4.4': 'surname',
  '2.5.4.12': 'title',
};
/** The short names @peculiar/x509 prints instead of these OIDs. */
const OID_OF_SHORT_NAME: Record<string, string> = {
  CN: '2.5.4.3',
  L: '2.5.4.7',
  ST: '2.5.4.8',
  O: '2.5.4.10',
  OU: '2.5.4.11',
  C: '2.5.4.6',
  DC: DOMAIN_COMPONENT,
  E: '1.2.840.113549.1.9.1',
  G: '2.5.4.42',
  I: '2.5.4.43',
  SN: '2.5.4.4',
  T: '2.5.4.12',
};

/** The X.509 attributes of a certificate's body; undefined for a certificate without one (pending). */
export function x509Attributes(certificate: CertificateRecord): X509Attributes | undefined {
  const pem = certificate.issued?.certificatePem;
  if (!pem) return undefined;
  const body = new x509.X509Certificate(pem);
  return {
    issuer: distinguishedName(body.issuerName),
    subject: distinguishedName(body.subjectName),
    subjectAlternativeNames: subjectAlternativeNames(body),
    extendedKeyUsages: extendedKeyUsageNames(body).map(({ name }) => name),
    keyAlgorithm: certificate.keyAlgorithm,
    keyUsages: keyUsageNames(body),
    serialNumber: colonHex(body.serialNumber),
    notAfter: body.notAfter,
    notBefore: body.notBefore,
  };
}

/**
 * A name's attributes in ACM's members. A second value of a single-valued attribute (a second OU, say)
 * goes to `customAttributes` with its OID, so nothing in the name is dropped.
 */
function distinguishedName(name: x509.Name): DistinguishedName {
  const result: DistinguishedName = {};
  for (const attribute of name.toJSON()) {
    for (const [type, values] of Object.entries(attribute)) {
      const oid = OID_OF_SHORT_NAME[type] ?? type;
      for (const value of values) addAttribute(result, oid, value);
    }
  }
  return result;
}

function addAttribute(name: DistinguishedName, oid: string, value: string): void {
  if (oid === DOMAIN_COMPONENT) {
    name.domainComponents = [...(name.domainComponents ?? []), value];
    return;
  }
  const member = SINGLE_VALUED[oid];
  if (member && name[member] === undefined) {
    name[member] = value;
    return;
  }
  name.customAttributes = [...(name.customAttributes ?? []), { objectIdentifier: oid, value }];
}

const USER_PRINCIPAL_NAME = '1.3.6.1.4.1.311.20.2.3';
const GUID = '1.3.6.1.4.1.311.25.1';

function subjectAlternativeNames(body: x509.X509Certificate): GeneralName[] {
  const extension = body.getExtension(x509.SubjectAlternativeNameExtension);
  return (extension?.names.items ?? []).map(generalName);
}

function generalName({ type, value }: x509.GeneralName): GeneralName {
  switch (type) {
    case 'dns':
      return { dnsName: value };
    case 'ip':
      return { ipAddress: value };
    case 'email':
      return { rfc822Name: value };
    case 'url':
      return { uniformResourceIdentifier: value };
    case 'id':
      return { registeredId: value };
    case 'dn':
      return { directoryName: distinguishedName(new x509.Name(value)) };
    case 'upn':
      return { otherName: { objectIdentifier: USER_PRINCIPAL_NAME, value } };
    case 'guid':
      return { otherName: { objectIdentifier: GUID, value } };
  }
}

/** Hex as colon-separated lowercase bytes, padded to whole bytes ("3e9" → "03:e9"). */
export function colonHex(hex: string): string {
  const even = hex.length % 2 ? `0${hex}` : hex;
  return (even.match(/../g) ?? []).join(':').toLowerCase();
}
