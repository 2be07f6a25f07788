/** POST raw bytes, answer parsed. */
export async function upload(url: string, token: string, tpsId: string, bytes: Buffer, query = 'contest=PPWP&page=1', type = 'image/jpeg') {
  const res = await fetch(`${url}/api/tps/${tpsId}/photos?${query}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': type },
    body: new Uint8Array(bytes),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}
