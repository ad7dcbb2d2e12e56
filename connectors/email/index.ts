/** Email for `alerts.yaml`: the transport the composition root builds. */
export { createSmtpTransport, type SmtpOptions } from './smtp.ts';
