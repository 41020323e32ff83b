/*
 * SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * libsslvdir: Autodiscover, as [MS-OXDSCLI], the POX Autodiscover reference
 * and [MS-ASCMD] write it.
 *
 * Server side: parse a POX request (Outlook or ActiveSync "mobilesync"
 * schema), and answer it with a complete document: settings built from the
 * policy's vdirs, a redirectAddr or redirectUrl, or an error (500, 501, 600,
 * 601, 602, 603); answer autodiscover.json. Per-domain rules say which e-mail
 * domains the policy serves and which are redirected.
 *
 * Client side: the candidate URLs for an address in the order Microsoft's
 * reference client tries them, SRV record selection, and the rules for
 * following redirects (a chain object).
 *
 * Thread contract: the response functions only read the policy and write
 * into the caller's buffer; they are thread-safe and do not allocate, except
 * that sslvdir_autodiscover_parse_request() and
 * sslvdir_autodiscover_respond(), which parses the body with it, use libxml2
 * (which allocates); both are thread-safe.
 *
 * Output: the documents and JSON answers are bytes to send as a response
 * body, not C strings: out is not NUL-terminated, and out_size may be
 * exactly *out_len. There is no fixed size that always holds one: call with
 * out NULL and out_size 0 to measure (SSLVDIR_E_BUFFER_TOO_SMALL with
 * *out_len set), or try a buffer of a few KiB and retry with *out_len bytes. A sslvdir_autodiscover_chain is one client's walk: use it
 * from one thread at a time.
 */
#ifndef SSLVDIR_AUTODISCOVER_H
#define SSLVDIR_AUTODISCOVER_H

#include <stddef.h>
#include <stdint.h>
#include <sslvdir/common.h>
#include <sslvdir/policy.h>
#include <sslvdir/vdir.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The namespaces, exactly as the specifications write them (http://, not
 * https://). */
#define SSLVDIR_AD_NS "http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006"
#define SSLVDIR_AD_NS_OUTLOOK_REQUEST \
  "http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006"
#define SSLVDIR_AD_NS_OUTLOOK_RESPONSE \
  "http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a"
#define SSLVDIR_AD_NS_MOBILESYNC_REQUEST \
  "http://schemas.microsoft.com/exchange/autodiscover/mobilesync/requestschema/2006"
#define SSLVDIR_AD_NS_MOBILESYNC_RESPONSE \
  "http://schemas.microsoft.com/exchange/autodiscover/mobilesync/responseschema/2006"

/* Which response schema a request asks for. Values are never renumbered. */
typedef enum sslvdir_autodiscover_schema {
  SSLVDIR_AUTODISCOVER_SCHEMA_UNKNOWN = 0,
  SSLVDIR_AUTODISCOVER_SCHEMA_OUTLOOK = 1,   /* outlook/responseschema/2006a */
  SSLVDIR_AUTODISCOVER_SCHEMA_MOBILESYNC = 2 /* mobilesync/responseschema/2006 */
} sslvdir_autodiscover_schema;

/* What the policy does for an e-mail domain. Values are never renumbered. */
typedef enum sslvdir_autodiscover_action {
  SSLVDIR_AUTODISCOVER_ACTION_NONE = 0,          /* not ours: error 500 */
  SSLVDIR_AUTODISCOVER_ACTION_SETTINGS = 1,      /* answer with settings from a site's vdirs */
  SSLVDIR_AUTODISCOVER_ACTION_REDIRECT_ADDR = 2, /* the same local part at another domain */
  SSLVDIR_AUTODISCOVER_ACTION_REDIRECT_URL = 3   /* another Autodiscover URL */
} sslvdir_autodiscover_action;

/* The limits of a request: body size, element depth, and the longest
 * EMailAddress (64 + 1 + 255) and LegacyDN accepted. */
#define SSLVDIR_AUTODISCOVER_MAX_BODY 65536
#define SSLVDIR_AUTODISCOVER_MAX_DEPTH 16
#define SSLVDIR_AUTODISCOVER_MAX_EMAIL 320
#define SSLVDIR_AUTODISCOVER_MAX_LEGACYDN 1024

#define SSLVDIR_AUTODISCOVER_REQUEST_VERSION 1
/* A parsed request. The strings are UTF-8 as the request carried them, NUL
 * terminated, "" when absent. Initialise with
 * SSLVDIR_AUTODISCOVER_REQUEST_INIT so that version is set and the rest
 * empty; sslvdir_autodiscover_parse_request() fills the other fields. */
typedef struct sslvdir_autodiscover_request {
  unsigned version; /* SSLVDIR_AUTODISCOVER_REQUEST_VERSION */
  int schema;       /* sslvdir_autodiscover_schema asked for */
  int error;        /* 0, or the Autodiscover error code to answer: 600 or 601 */
  char email[SSLVDIR_AUTODISCOVER_MAX_EMAIL + 1];
  char legacy_dn[SSLVDIR_AUTODISCOVER_MAX_LEGACYDN + 1];
} sslvdir_autodiscover_request;
#define SSLVDIR_AUTODISCOVER_REQUEST_INIT \
  { SSLVDIR_AUTODISCOVER_REQUEST_VERSION, SSLVDIR_AUTODISCOVER_SCHEMA_UNKNOWN, 0, "", "" }

/* Flags of sslvdir_autodiscover_params. */
#define SSLVDIR_AUTODISCOVER_FLAG_SPEC_SPELLING 0x1u /* only <RedirectUrl>, not also <RedirectURL> */

/* How to answer. Fill it with SSLVDIR_AUTODISCOVER_PARAMS_INIT. */
#define SSLVDIR_AUTODISCOVER_PARAMS_VERSION 1
typedef struct sslvdir_autodiscover_params {
  unsigned version;      /* SSLVDIR_AUTODISCOVER_PARAMS_VERSION */
  sslvdir_url_side side; /* whose URLs: internal clients get both sides, external ones only theirs */
  uint64_t time_us;      /* Error Time, microseconds since the epoch (UTC); 0 = now */
  unsigned flags;        /* SSLVDIR_AUTODISCOVER_FLAG_* bits */
} sslvdir_autodiscover_params;
#define SSLVDIR_AUTODISCOVER_PARAMS_INIT \
  { SSLVDIR_AUTODISCOVER_PARAMS_VERSION, SSLVDIR_URL_EXTERNAL, 0, 0 }

/**
 * sslvdir_autodiscover_parse_request - read a POX Autodiscover request body
 *
 * The body is read with hardened libxml2 (no network, no DTD, no entities)
 * and must be at most SSLVDIR_AUTODISCOVER_MAX_BODY bytes and
 * SSLVDIR_AUTODISCOVER_MAX_DEPTH levels deep. It must be UTF-8 or UTF-16
 * (little- or big-endian, with or without a byte order mark), as its XML
 * declaration says: any other encoding is refused (SSLVDIR_E_REFUSED, error
 * 600), and nothing is ever written on stderr. The root must be Autodiscover
 * in the Outlook or mobilesync request namespace, with a Request holding
 * EMailAddress and/or LegacyDN and AcceptableResponseSchema. When both
 * EMailAddress and LegacyDN are present, LegacyDN wins ([MS-OXDSCLI] 3.2.5):
 * both are returned and the answer uses LegacyDN for the lookup.
 *
 * req must be initialised with SSLVDIR_AUTODISCOVER_REQUEST_INIT (its
 * version set); a version the library does not know is refused and req is
 * not touched. Whatever the input, req is filled: req->error says which
 * error response to send (600 for anything malformed, 601 for a response
 * schema that is not served), so the caller can always answer the client.
 *
 * Returns: SSLVDIR_OK (req->error is 0); SSLVDIR_E_SYNTAX (not well-formed,
 * not an Autodiscover request, an address too long or holding a control
 * character), SSLVDIR_E_REFUSED (a DOCTYPE or entity declaration),
 * SSLVDIR_E_RANGE (too large, too deep), SSLVDIR_E_UNKNOWN_NAME (601: the
 * response schema), each with err's message and req->error set;
 * SSLVDIR_E_NOMEM; SSLVDIR_E_INVALID_ARGUMENT.
 * Since: 0.1
 */
SSLVDIR_EXTERN SSLVDIR_WARN_UNUSED int
sslvdir_autodiscover_parse_request(const char *body, size_t len, sslvdir_autodiscover_request *req,
                                   sslvdir_error *err);

/**
 * sslvdir_autodiscover_respond - answer a POX request body with a whole document
 *
 * Parses body (sslvdir_autodiscover_parse_request()), finds the rule for the
 * address's domain (sslvdir_autodiscover_domain_rule()) and writes the
 * answer: settings (see sslvdir_autodiscover_settings()), a redirectAddr, a
 * redirectUrl, or an error document: 600 for a malformed request, 601 for an
 * unserved schema, 500 for an address whose domain the policy does not
 * serve. A LegacyDN cannot be looked up without a directory: with one, the
 * domain of its EMailAddress is used, and without an address it gets 500.
 * The HTTP status of every answer is 200 (errors are in the document).
 *
 * The document always parses, and every value taken from the request is
 * escaped. Nothing is allocated but what libxml2 needs to parse the body.
 * out receives the document (not NUL-terminated); *out_len its length, also
 * when out is too small, so a call with out NULL and out_size 0 measures
 * (it parses the body as the second call will again). A document that does
 * not fit is not left cut in out: its out_size bytes are zeroed. params is
 * required (SSLVDIR_AUTODISCOVER_PARAMS_INIT).
 *
 * Returns: SSLVDIR_OK, SSLVDIR_E_BUFFER_TOO_SMALL, SSLVDIR_E_NOMEM (libxml2
 * could not parse for lack of memory), SSLVDIR_E_INVALID_ARGUMENT.
 * Since: 0.1
 */
SSLVDIR_EXTERN SSLVDIR_WARN_UNUSED int
sslvdir_autodiscover_respond(const sslvdir_policy *policy, const char *body, size_t len,
                             const sslvdir_autodiscover_params *params, char *out,
                             size_t out_size, size_t *out_len);

/**
 * sslvdir_autodiscover_settings - the settings document for an address
 *
 * For the Outlook schema: User (AutoDiscoverSMTPAddress, LegacyDN when
 * given, DeploymentId when configured), then Account with AccountType
 * "email", Action "settings" and Protocol blocks in the order and with the
 * children the POX reference lists: EXCH (internal URLs; only when
 * params->side is internal), EXPR (Outlook Anywhere: Server, ServerVersion,
 * ASUrl, EwsUrl, EcpUrl, OOFUrl, OABUrl, UMUrl, AuthPackage, SSL) and WEB
 * as [MS-OXDSCLI] 4.4 writes it: External (OWAUrl, and the EWS URL in a
 * Protocol of Type EXPR), then for internal clients Internal (OWAUrl, and
 * the EWS URL in a Protocol of Type EXCH). For mobilesync:
 * Culture, User, and Action/Settings/Server of type MobileSync with the
 * ActiveSync URL. The URLs are the vdirs' configured internal or external
 * URLs, else https, the site's canonical host and port and the vdir's path.
 * site is the site whose vdirs describe the service.
 *
 * email and legacy_dn are echoed, so they follow the rule of a request's:
 * UTF-8 without control characters (C0, DEL, C1) or U+2028/U+2029. out,
 * out_size and *out_len are as sslvdir_autodiscover_respond()'s (not
 * NUL-terminated; out NULL and out_size 0 measure).
 *
 * Returns: as sslvdir_autodiscover_respond(); SSLVDIR_E_NOT_FOUND when the
 * site has no canonical host; SSLVDIR_E_RANGE (email or legacy_dn too
 * long); SSLVDIR_E_SYNTAX (email or legacy_dn not echoable, see above).
 * Since: 0.1
 */
SSLVDIR_EXTERN SSLVDIR_WARN_UNUSED int
sslvdir_autodiscover_settings(const sslvdir_policy *policy, const sslvdir_site *site,
                              sslvdir_autodiscover_schema schema, const char *email,
                              const char *legacy_dn, const sslvdir_autodiscover_params *params,
                              char *out, size_t out_size, size_t *out_len);

/**
 * sslvdir_autodiscover_redirect_addr - a redirectAddr document
 *
 * For the Outlook schema, Account/Action "redirectAddr" and RedirectAddr; for
 * mobilesync, Culture and Action/Redirect ([MS-ASCMD] 2.2.3.147; the User
 * element, the address asked about, is written by
 * sslvdir_autodiscover_respond(), which knows it). address must look like
 * an e-mail address (a local part, '@', a host name). out, out_size and
 * *out_len are as sslvdir_autodiscover_respond()'s (not NUL-terminated).
 *
 * Returns: as sslvdir_autodiscover_respond(); SSLVDIR_E_SYNTAX (address).
 * Since: 0.1
 */
SSLVDIR_EXTERN SSLVDIR_WARN_UNUSED int
sslvdir_autodiscover_redirect_addr(sslvdir_autodiscover_schema schema, const char *address,
                                   const sslvdir_autodiscover_params *params, char *out,
                                   size_t out_size, size_t *out_len);

/**
 * sslvdir_autodiscover_redirect_url - a redirectUrl document (Outlook schema)
 *
 * Account/Action "redirectUrl" and RedirectUrl, as [MS-OXDSCLI] spells it,
 * followed by the same URL as RedirectURL, as the POX Account reference and
 * python3-exchangelib spell it, unless params->flags has
 * SSLVDIR_AUTODISCOVER_FLAG_SPEC_SPELLING. Clients skip the element they do not
 * know. url must be an https URL whose path passes
 * sslvdir_autodiscover_chain_follow_url(): a client would not follow anything else.
 * out, out_size and *out_len are as sslvdir_autodiscover_respond()'s (not
 * NUL-terminated).
 *
 * Returns: as sslvdir_autodiscover_respond(); SSLVDIR_E_SYNTAX (url).
 * Since: 0.1
 */
SSLVDIR_EXTERN SSLVDIR_WARN_UNUSED int
sslvdir_autodiscover_redirect_url(const char *url, const sslvdir_autodiscover_params *params,
                                  char *out, size_t out_size, size_t *out_len);

/**
 * sslvdir_autodiscover_error - an error document
 *
 * code is 500 ("The e-mail address cannot be found.", the text clients
 * match), 501, 600 ("Invalid Request"), 601 ("Provider is not available"),
 * 602 or 603 (doc/autodiscover.md lists every message). The Error element
 * carries Time (HH:MM:SS.fffffff, UTC, from params->time_us) and Id (the
 * policy's server id, see sslvdir_builder_set_autodiscover_option(); policy
 * may be NULL for 0). The Response holding it is in the Autodiscover
 * namespace, as Exchange writes it and python3-exchangelib reads it. For
 * the mobilesync schema, 600 and 601 have that shape too; the user-level
 * errors (500, 501, 602, 603) are a mobilesync Response with Culture and
 * Action/Error holding Status 2, Message and DebugData, and no ErrorCode
 * ([MS-ASCMD] 4.2.2; sslvdir_autodiscover_respond() adds User/EMailAddress).
 * SSLVDIR_AUTODISCOVER_SCHEMA_UNKNOWN (a request whose schema is not known)
 * gets the Outlook shape. out, out_size and *out_len are as
 * sslvdir_autodiscover_respond()'s (not NUL-terminated).
 *
 * Returns: as sslvdir_autodiscover_respond(); SSLVDIR_E_RANGE (code);
 * SSLVDIR_E_INVALID_ARGUMENT for a schema that is none of the three.
 * Since: 0.1
 */
SSLVDIR_EXTERN SSLVDIR_WARN_UNUSED int
sslvdir_autodiscover_error(const sslvdir_policy *policy, sslvdir_autodiscover_schema schema,
                           int code, const sslvdir_autodiscover_params *params, char *out,
                           size_t out_size, size_t *out_len);

/**
 * sslvdir_autodiscover_json - answer GET /autodiscover/autodiscover.json?QUERY
 *
 * For the path form Outlook sends first (the address in the path), use
 * sslvdir_autodiscover_json_target(). query is the request's query string
 * without '?' ("Email=a%40contoso.com&Protocol=AutodiscoverV1"); names
 * compare case-insensitively, values are
 * percent-decoded. For Protocol AutodiscoverV1 the answer is a JSON object
 * with "Protocol" (AutodiscoverV1) and "Url"
 * (https://HOST/Autodiscover/Autodiscover.xml), without spaces, HOST being
 * the canonical host of the site that serves the domain (or the redirect URL, or
 * the autodiscover host of a redirected address's domain); ActiveSync and
 * Ews give that service's URL. An unknown protocol gets 400 and
 * {"ErrorCode":"InvalidProtocol","ErrorMessage":"..."}, a missing or
 * malformed Email 400 and "InvalidRequest", an unserved domain 404 and
 * "NotFound". *http_status receives the status, also when out is too
 * small; it is 500, and *out_len 0, after SSLVDIR_E_INVALID_ARGUMENT (both
 * are set before any check). The answer is valid UTF-8
 * JSON whatever the query holds: a value echoed in a message has its bytes
 * that are not UTF-8 replaced by U+FFFD (one per maximal subpart, as
 * browsers decode). As with sslvdir_autodiscover_respond(), out is not
 * NUL-terminated, *out_len receives the answer's length also when out is
 * too small, and a call with out NULL and out_size 0 measures.
 *
 * Returns: as sslvdir_autodiscover_respond().
 * Since: 0.1
 */
SSLVDIR_EXTERN SSLVDIR_WARN_UNUSED int
sslvdir_autodiscover_json(const sslvdir_policy *policy, const char *query, size_t len,
                          const sslvdir_autodiscover_params *params, int *http_status, char *out,
                          size_t out_size, size_t *out_len);

/**
 * sslvdir_autodiscover_json_target - answer autodiscover.json from the whole request target
 *
 * target is the request target as the client sent it, path and query: the
 * path form Outlook 2016 and later send first, /autodiscover/autodiscover.json
 * then /v1.0/ADDRESS then ?Protocol=AutodiscoverV1 (the address may be
 * percent-encoded, a%40contoso.com), or the query form,
 * /autodiscover/autodiscover.json then ?Email=ADDRESS&Protocol=AutodiscoverV1.
 * The path is percent-decoded once and must hold a segment named
 * autodiscover.json (any case), followed by nothing, by /v1.0, or by
 * /v1.0/ADDRESS with no further segment; anything else gets 400 and
 * "InvalidRequest". The address is taken from the path, else from the Email
 * parameter. When both are present they must be the same address (compared
 * without case), else the answer is 400 "InvalidRequest": the service never
 * picks one of two addresses. The rest is as sslvdir_autodiscover_json(),
 * which answers the query alone.
 *
 * Returns: as sslvdir_autodiscover_respond().
 * Since: 0.1
 */
SSLVDIR_EXTERN SSLVDIR_WARN_UNUSED int
sslvdir_autodiscover_json_target(const sslvdir_policy *policy, const char *target, size_t len,
                                 const sslvdir_autodiscover_params *params, int *http_status,
                                 char *out, size_t out_size, size_t *out_len);

/**
 * sslvdir_autodiscover_domain_rule - the policy's rule for an e-mail domain, or its n-th rule
 *
 * With domain set, finds the rule for it (case-insensitive, one trailing dot
 * ignored); with domain NULL, returns the index-th rule. Any of the out
 * pointers may be NULL. *target is the address domain (REDIRECT_ADDR) or the
 * URL (REDIRECT_URL), *site the serving site (SETTINGS).
 *
 * Returns: SSLVDIR_OK, SSLVDIR_E_NOT_FOUND, SSLVDIR_E_INVALID_ARGUMENT.
 * Since: 0.1
 */
SSLVDIR_EXTERN SSLVDIR_WARN_UNUSED int
sslvdir_autodiscover_domain_rule(const sslvdir_policy *policy, const char *domain, size_t index,
                                 const char **name, sslvdir_autodiscover_action *action,
                                 const char **target, const sslvdir_site **site);

/* ------------------------------------------------------------ client side */

/* How a candidate is tried. Values are never renumbered. */
typedef enum sslvdir_autodiscover_method {
  SSLVDIR_AUTODISCOVER_METHOD_POST = 1,         /* POST the request over https */
  SSLVDIR_AUTODISCOVER_METHOD_GET_REDIRECT = 2, /* plain-http GET that must answer with a redirect */
  SSLVDIR_AUTODISCOVER_METHOD_SRV = 3           /* look up this DNS SRV name */
} sslvdir_autodiscover_method;

#define SSLVDIR_AUTODISCOVER_URL_BUFSZ 320
/* One place to look. Frozen, as sslvdir_srv_record: both travel in arrays,
 * whose stride is sizeof, so a per-element version could not tell the
 * library the caller's stride; a new layout would need a new function. */
typedef struct sslvdir_autodiscover_candidate {
  int method; /* sslvdir_autodiscover_method */
  char url[SSLVDIR_AUTODISCOVER_URL_BUFSZ]; /* the URL, or the SRV name for SRV */
} sslvdir_autodiscover_candidate;

/**
 * sslvdir_autodiscover_candidates - where a client looks for an address's Autodiscover
 *
 * In the order of Microsoft's EWS Managed API (after the SCP lookup in
 * Active Directory, which needs a directory): POST
 * https://DOMAIN/autodiscover/autodiscover.xml, POST
 * https://autodiscover.DOMAIN/autodiscover/autodiscover.xml, GET
 * http://autodiscover.DOMAIN/autodiscover/autodiscover.xml expecting a
 * redirect, then the SRV name _autodiscover._tcp.DOMAIN. DOMAIN is the
 * address's domain in lower case. *out_count receives the number of
 * candidates (4), also when out_max is too small, so a call with out NULL
 * and out_max 0 measures.
 *
 * On any failure the entries of out (up to out_max, at most 4) are zeroed:
 * method 0 and an empty url.
 *
 * Returns: SSLVDIR_OK with 4 candidates in out (out_max must be at least 4);
 * SSLVDIR_E_SYNTAX (not an address with a valid domain, *out_count 0),
 * SSLVDIR_E_BUFFER_TOO_SMALL, SSLVDIR_E_INVALID_ARGUMENT.
 * Since: 0.1
 */
SSLVDIR_EXTERN SSLVDIR_WARN_UNUSED int
sslvdir_autodiscover_candidates(const char *email, sslvdir_autodiscover_candidate *out,
                                size_t out_max, size_t *out_count);

/* One DNS SRV record, as a resolver returns it: the four fields of RFC 2782.
 * Frozen (an array of them is passed; see sslvdir_autodiscover_candidate). */
typedef struct sslvdir_srv_record {
  unsigned priority;
  unsigned weight;
  unsigned port;
  const char *target;
} sslvdir_srv_record;

/**
 * sslvdir_autodiscover_srv_select - the SRV record a client uses, and its URL
 *
 * Records whose port is not 443 are skipped (Autodiscover is https on 443
 * only); among the rest the lowest priority wins, then the highest weight,
 * then the earliest. *index receives the chosen record's index, and out
 * (out_size bytes) its URL, https://TARGET/autodiscover/autodiscover.xml (a
 * trailing dot of TARGET removed), with a NUL;
 * SSLVDIR_AUTODISCOVER_URL_BUFSZ bytes are always enough. *out_len, when not
 * NULL, receives the URL's length without the NUL, also when out is too
 * small (*index is set then too), so a call with out NULL and out_size 0
 * measures.
 *
 * Returns: SSLVDIR_OK; SSLVDIR_E_NOT_FOUND (no usable record);
 * SSLVDIR_E_SYNTAX (the chosen target is not a host name);
 * SSLVDIR_E_BUFFER_TOO_SMALL; SSLVDIR_E_INVALID_ARGUMENT. After any error
 * out holds the empty string when out_size is not 0, and *index (when
 * index is not NULL) is SIZE_MAX, no record's index, except after
 * SSLVDIR_E_BUFFER_TOO_SMALL.
 * Since: 0.1
 */
SSLVDIR_EXTERN SSLVDIR_WARN_UNUSED int
sslvdir_autodiscover_srv_select(const sslvdir_srv_record *records, size_t n, size_t *index,
                                char *out, size_t out_size, size_t *out_len);

/* The most redirects a client follows, address and URL redirects together. */
#define SSLVDIR_AUTODISCOVER_MAX_REDIRECTS 10

typedef struct sslvdir_autodiscover_chain sslvdir_autodiscover_chain;

/**
 * sslvdir_autodiscover_chain_new - start following redirects for an address
 *
 * email is the address the client starts from; it becomes the chain's
 * current address (sslvdir_autodiscover_chain_address()) and the first
 * address of its loop check. Each redirect the client meets is then put to
 * sslvdir_autodiscover_chain_follow_url() or sslvdir_autodiscover_chain_follow_addr()
 * before it is followed. Free the chain with
 * sslvdir_autodiscover_chain_free().
 *
 * Returns: SSLVDIR_OK, SSLVDIR_E_SYNTAX (address), SSLVDIR_E_NOMEM,
 * SSLVDIR_E_INVALID_ARGUMENT.
 * Since: 0.1
 */
SSLVDIR_EXTERN SSLVDIR_WARN_UNUSED int
sslvdir_autodiscover_chain_new(sslvdir_autodiscover_chain **out, const char *email,
                               sslvdir_error *err);

/**
 * sslvdir_autodiscover_chain_free - free a chain
 *
 * NULL is accepted and ignored.
 *
 * Since: 0.1
 */
SSLVDIR_EXTERN void sslvdir_autodiscover_chain_free(sslvdir_autodiscover_chain *chain);

/**
 * sslvdir_autodiscover_chain_follow_url - may the client follow this URL redirect?
 *
 * http_status is the response's status (301, 302, 303 or 307 only; 308 and
 * the rest are refused, as Microsoft's client refuses them), or 0 for a
 * RedirectUrl found in an Autodiscover response body. The URL must be
 * absolute https, without userinfo, with a host name, and its path must be
 * /autodiscover/autodiscover.xml, possibly with more segments between
 * (/autodiscover/(SEGMENT/)*autodiscover.xml), compared case-insensitively.
 * An accepted redirect counts towards SSLVDIR_AUTODISCOVER_MAX_REDIRECTS;
 * the 11th is refused. A refused one leaves the chain as it was.
 *
 * Returns: SSLVDIR_OK; SSLVDIR_E_REFUSED with the reason in err;
 * SSLVDIR_E_INVALID_ARGUMENT.
 * Since: 0.1
 */
SSLVDIR_EXTERN SSLVDIR_WARN_UNUSED int
sslvdir_autodiscover_chain_follow_url(sslvdir_autodiscover_chain *chain, int http_status,
                                      const char *url, size_t len, sslvdir_error *err);

/**
 * sslvdir_autodiscover_chain_follow_addr - may the client follow this address redirect?
 *
 * address is the len bytes of a RedirectAddr found in a response body; it
 * need not be NUL-terminated, and a NUL byte among the len bytes makes it
 * not an address (it is never cut there). An address seen before in the
 * chain (the first one included, compared case-insensitively) is a loop and
 * is refused; so is the 11th redirect. An accepted address becomes the
 * chain's current address. A refused one leaves the chain as it was.
 *
 * Returns: SSLVDIR_OK; SSLVDIR_E_REFUSED with the reason in err;
 * SSLVDIR_E_SYNTAX (not an address); SSLVDIR_E_NOMEM;
 * SSLVDIR_E_INVALID_ARGUMENT.
 * Since: 0.1
 */
SSLVDIR_EXTERN SSLVDIR_WARN_UNUSED int
sslvdir_autodiscover_chain_follow_addr(sslvdir_autodiscover_chain *chain, const char *address,
                                       size_t len, sslvdir_error *err);

/**
 * sslvdir_autodiscover_chain_count - redirects accepted so far
 *
 * Address and URL redirects count together; once
 * SSLVDIR_AUTODISCOVER_MAX_REDIRECTS were accepted, the next is refused.
 *
 * Returns: the count (0 for NULL).
 * Since: 0.1
 */
SSLVDIR_EXTERN unsigned sslvdir_autodiscover_chain_count(const sslvdir_autodiscover_chain *chain);

/**
 * sslvdir_autodiscover_chain_address - the address the chain now looks up
 *
 * The address given to sslvdir_autodiscover_chain_new(), or the last one
 * sslvdir_autodiscover_chain_follow_addr() accepted; URL redirects do not change
 * it. The string lives as long as the chain.
 *
 * Returns: the current address (owned by the chain), NULL for NULL.
 * Since: 0.1
 */
SSLVDIR_EXTERN const char *
sslvdir_autodiscover_chain_address(const sslvdir_autodiscover_chain *chain);

#ifdef __cplusplus
}
#endif

#endif /* SSLVDIR_AUTODISCOVER_H */
