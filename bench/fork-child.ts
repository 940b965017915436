/** @module The child_process.fork baseline's child: answers each message with a no-op result. */
process.on('message', (message: { readonly i: number }) => {
  process.send!({ i: message.i, v: undefined });
});
