// The package's three timed operations on speed/workload.json, for a Signer
// class of any build of the package: shared by instructions.mjs and the
// comparisons of compare.mjs, in Node and in Chromium.

/** `{ header, widget, verify }`: each makes one call of the operation. */
export function packageCalls(Signer, W) {
  const signer = new Signer({ accessKey: W.access_key, secretKey: W.secret_key, account: W.account });
  return {
    header: () => signer.authorization(W.unix_time),
    widget: () => signer.widgetUrl(W.widget, W.params),
    verify: () => signer.verifyReturnUrl(W.return_query),
  };
}
