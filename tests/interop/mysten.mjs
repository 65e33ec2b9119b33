// Runs one operation of Mysten's own TypeScript SDK (@mysten/sui, pinned in package-lock.json)
// for movid's interop tests. Input: one JSON object on stdin, {"op": NAME, ...}. Output: one
// JSON object on stdout. Nothing here is movid's code: every answer comes from @mysten/sui, so
// a test that compares it with movid's answer checks movid against software nobody here wrote.
import { Ed25519Keypair } from '@mysten/sui/keypairs/ed25519';
import { decodeSuiPrivateKey } from '@mysten/sui/cryptography';
import { verifyTransactionSignature } from '@mysten/sui/verify';
import { fromBase64, fromHex, toHex } from '@mysten/sui/utils';
import { SuiGrpcClient } from '@mysten/sui/grpc';

function describe(keypair) {
  const secret = decodeSuiPrivateKey(keypair.getSecretKey());
  return {
    scheme: secret.scheme,
    secret_hex: toHex(secret.secretKey),
    suiprivkey: keypair.getSecretKey(),
    public_key_base64: keypair.getPublicKey().toBase64(),
    address: keypair.getPublicKey().toSuiAddress(),
  };
}

function keypairOf(request) {
  if (request.suiprivkey) return Ed25519Keypair.fromSecretKey(request.suiprivkey);
  return Ed25519Keypair.fromSecretKey(fromHex(request.secret_hex));
}

const ops = {
  // Fresh keys from @mysten/sui's own generator, and the given secrets described.
  async keys(request) {
    const generated = [];
    for (let i = 0; i < (request.generate ?? 0); i++) generated.push(describe(Ed25519Keypair.generate()));
    const given = (request.secrets_hex ?? []).map((hex) => describe(Ed25519Keypair.fromSecretKey(fromHex(hex))));
    return { generated, given };
  },
  // Signs transaction bytes as a Sui wallet does: Ed25519 over blake2b256(intent ‖ bytes).
  async sign_transaction(request) {
    const signed = await keypairOf(request).signTransaction(fromBase64(request.tx_bytes_base64));
    return { signature_base64: signed.signature };
  },
  // Asks a node through @mysten/sui's gRPC client (gRPC-web over HTTP/1.1): its chain
  // identifier, the reference gas price, and what a method the node does not serve yet says.
  async grpc_info(request) {
    const client = new SuiGrpcClient({ network: 'localnet', baseUrl: request.url });
    const chain = await client.core.getChainIdentifier();
    const price = await client.getReferenceGasPrice();
    let missing = null;
    try {
      await client.core.getObjects({ objectIds: ['0x6'] });
    } catch (error) {
      missing = { code: String(error.code ?? error.cause?.code ?? ''), message: String(error.message ?? error) };
    }
    return JSON.parse(JSON.stringify({ chain, price, missing }, (_, v) => (typeof v === 'bigint' ? v.toString() : v)));
  },
  // Verifies a serialized transaction signature; answers the signer's address or the error.
  async verify_transaction(request) {
    try {
      const key = await verifyTransactionSignature(fromBase64(request.tx_bytes_base64), request.signature_base64);
      return { valid: true, address: key.toSuiAddress() };
    } catch (error) {
      return { valid: false, error: String(error.message ?? error) };
    }
  },
};

let input = '';
for await (const chunk of process.stdin) input += chunk;
const request = JSON.parse(input);
const op = ops[request.op];
if (!op) {
  process.stdout.write(JSON.stringify({ error: `unknown op ${request.op}` }));
  process.exit(2);
}
process.stdout.write(JSON.stringify(await op(request)));
