// go-jose (gopkg.in/square/go-jose.v2, as Debian packages it) driver for
// tests/gojose.rs: reads a JSON array of jobs on standard input and writes
// one result per job, {"ok":true,...} or {"ok":false,"error":"..."}.
// Keys travel as JWK objects and are read and written by go-jose itself.
package main

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io/ioutil"
	"os"

	jose "gopkg.in/square/go-jose.v2"
)

type recipient struct {
	Alg      string          `json:"alg"`
	Key      json.RawMessage `json:"key"`
	Password string          `json:"password"`
	Kid      string          `json:"kid"`
}

type job struct {
	Op         string            `json:"op"`
	Alg        string            `json:"alg"`
	Algs       []string          `json:"algs"`
	Enc        string            `json:"enc"`
	Zip        bool              `json:"zip"`
	Ser        string            `json:"ser"`
	P2c        int               `json:"p2c"`
	Key        json.RawMessage   `json:"key"`
	Keys       []json.RawMessage `json:"keys"`
	Password   string            `json:"password"`
	Recipients []recipient       `json:"recipients"`
	PayloadB64 string            `json:"payload_b64"`
	Token      string            `json:"token"`
	Kty        string            `json:"kty"`
	Kid        string            `json:"kid"`
	AadB64     string            `json:"aad_b64"`
	Unencoded  bool              `json:"unencoded"`
	Detached   bool              `json:"detached"`
	// For verify: the detached payload, base64url.
	DetachedB64 *string `json:"detached_payload_b64"`
}

var b64 = base64.RawURLEncoding

func parseJWK(raw json.RawMessage) (*jose.JSONWebKey, error) {
	var k jose.JSONWebKey
	if err := json.Unmarshal(raw, &k); err != nil {
		return nil, err
	}
	return &k, nil
}

func serialize(compact func() (string, error), full func() string, ser string) (string, error) {
	if ser == "compact" {
		return compact()
	}
	return full(), nil
}

func sign(j job) (map[string]interface{}, error) {
	payload, err := b64.DecodeString(j.PayloadB64)
	if err != nil {
		return nil, err
	}
	var keys []jose.SigningKey
	for i, raw := range j.Keys {
		k, err := parseJWK(raw)
		if err != nil {
			return nil, err
		}
		keys = append(keys, jose.SigningKey{Algorithm: jose.SignatureAlgorithm(j.Algs[i]), Key: k})
	}
	opts := &jose.SignerOptions{}
	if j.Unencoded {
		opts.WithBase64(false)
	}
	var signer jose.Signer
	if len(keys) == 1 {
		signer, err = jose.NewSigner(keys[0], opts)
	} else {
		signer, err = jose.NewMultiSigner(keys, opts)
	}
	if err != nil {
		return nil, err
	}
	obj, err := signer.Sign(payload)
	if err != nil {
		return nil, err
	}
	if j.Detached {
		t, err := obj.DetachedCompactSerialize()
		return map[string]interface{}{"token": t}, err
	}
	t, err := serialize(obj.CompactSerialize, obj.FullSerialize, j.Ser)
	return map[string]interface{}{"token": t}, err
}

func verify(j job) (map[string]interface{}, error) {
	k, err := parseJWK(j.Key)
	if err != nil {
		return nil, err
	}
	if j.DetachedB64 != nil {
		payload, err := b64.DecodeString(*j.DetachedB64)
		if err != nil {
			return nil, err
		}
		obj, err := jose.ParseDetached(j.Token, payload)
		if err != nil {
			return nil, err
		}
		if err := obj.DetachedVerify(payload, k); err != nil {
			return nil, err
		}
		return map[string]interface{}{"payload_b64": b64.EncodeToString(payload), "index": 0}, nil
	}
	obj, err := jose.ParseSigned(j.Token)
	if err != nil {
		return nil, err
	}
	i, sig, payload, err := obj.VerifyMulti(k)
	if err != nil {
		return nil, err
	}
	return map[string]interface{}{"payload_b64": b64.EncodeToString(payload), "index": i,
		"alg": sig.Header.Algorithm}, nil
}

func encrypt(j job) (map[string]interface{}, error) {
	plaintext, err := b64.DecodeString(j.PayloadB64)
	if err != nil {
		return nil, err
	}
	var rs []jose.Recipient
	for _, r := range j.Recipients {
		rc := jose.Recipient{Algorithm: jose.KeyAlgorithm(r.Alg), KeyID: r.Kid, PBES2Count: j.P2c}
		if r.Password != "" {
			rc.Key = []byte(r.Password)
		} else {
			k, err := parseJWK(r.Key)
			if err != nil {
				return nil, err
			}
			if k.IsPublic() || isSymmetric(k) {
				rc.Key = k.Key
			} else {
				// A private JWK: encrypt to its public half.
				rc.Key = k.Public().Key
			}
		}
		rs = append(rs, rc)
	}
	opts := &jose.EncrypterOptions{}
	if j.Zip {
		opts.Compression = jose.DEFLATE
	}
	var enc jose.Encrypter
	if len(rs) == 1 {
		enc, err = jose.NewEncrypter(jose.ContentEncryption(j.Enc), rs[0], opts)
	} else {
		enc, err = jose.NewMultiEncrypter(jose.ContentEncryption(j.Enc), rs, opts)
	}
	if err != nil {
		return nil, err
	}
	aad, err := b64.DecodeString(j.AadB64)
	if err != nil {
		return nil, err
	}
	if len(aad) == 0 {
		aad = nil
	}
	obj, err := enc.EncryptWithAuthData(plaintext, aad)
	if err != nil {
		return nil, err
	}
	t, err := serialize(obj.CompactSerialize, obj.FullSerialize, j.Ser)
	return map[string]interface{}{"token": t}, err
}

func isSymmetric(k *jose.JSONWebKey) bool {
	_, ok := k.Key.([]byte)
	return ok
}

func decrypt(j job) (map[string]interface{}, error) {
	var key interface{}
	if j.Password != "" {
		key = []byte(j.Password)
	} else {
		k, err := parseJWK(j.Key)
		if err != nil {
			return nil, err
		}
		key = k
	}
	obj, err := jose.ParseEncrypted(j.Token)
	if err != nil {
		return nil, err
	}
	i, _, pt, err := obj.DecryptMulti(key)
	if err != nil {
		return nil, err
	}
	return map[string]interface{}{"plaintext_b64": b64.EncodeToString(pt), "index": i,
		"aad_b64": b64.EncodeToString(obj.GetAuthData())}, nil
}

// genkey makes a key with Go's crypto and writes it as go-jose's JWKs.
func genkey(j job) (map[string]interface{}, error) {
	var key interface{}
	var err error
	switch j.Kty {
	case "RSA":
		key, err = rsa.GenerateKey(rand.Reader, 2048)
	case "P-256":
		key, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	case "P-384":
		key, err = ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	case "P-521":
		key, err = ecdsa.GenerateKey(elliptic.P521(), rand.Reader)
	case "Ed25519":
		_, key, err = ed25519.GenerateKey(rand.Reader)
	default:
		var n int
		if _, e := fmt.Sscanf(j.Kty, "oct%d", &n); e != nil {
			return nil, fmt.Errorf("unknown kty %q", j.Kty)
		}
		b := make([]byte, n/8)
		_, err = rand.Read(b)
		key = b
	}
	if err != nil {
		return nil, err
	}
	k := jose.JSONWebKey{Key: key, KeyID: j.Kid}
	private, err := k.MarshalJSON()
	if err != nil {
		return nil, err
	}
	out := map[string]interface{}{"private": json.RawMessage(private)}
	if !isSymmetric(&k) {
		pub := k.Public()
		public, err := pub.MarshalJSON()
		if err != nil {
			return nil, err
		}
		out["public"] = json.RawMessage(public)
	}
	return out, nil
}

func thumbprint(j job) (map[string]interface{}, error) {
	k, err := parseJWK(j.Key)
	if err != nil {
		return nil, err
	}
	t, err := k.Thumbprint(crypto.SHA256)
	if err != nil {
		return nil, err
	}
	return map[string]interface{}{"thumbprint": b64.EncodeToString(t)}, nil
}

func run(j job) (map[string]interface{}, error) {
	switch j.Op {
	case "sign":
		return sign(j)
	case "verify":
		return verify(j)
	case "encrypt":
		return encrypt(j)
	case "decrypt":
		return decrypt(j)
	case "genkey":
		return genkey(j)
	case "thumbprint":
		return thumbprint(j)
	}
	return nil, fmt.Errorf("unknown op %q", j.Op)
}

func main() {
	in, err := ioutil.ReadAll(os.Stdin)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	var jobs []job
	if err := json.Unmarshal(in, &jobs); err != nil {
		fmt.Fprintln(os.Stderr, "jobs:", err)
		os.Exit(2)
	}
	results := make([]map[string]interface{}, 0, len(jobs))
	for _, j := range jobs {
		r, err := run(j)
		if err != nil {
			r = map[string]interface{}{"ok": false, "error": err.Error()}
		} else {
			r["ok"] = true
		}
		results = append(results, r)
	}
	out, err := json.Marshal(results)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	os.Stdout.Write(out)
}
