/** Email for `alerts.yaml`: the transport the composition root builds. */
export { alertMessageId, createSmtpTransport, type SmtpOptions } from './smtp.ts';
