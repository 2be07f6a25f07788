/** Every error code the API can answer a monitor with, in plain Indonesian (plus the app's own: NETWORK, APP.*). */
const MESSAGES: Record<string, string> = {
  NETWORK: 'Tidak ada sinyal atau server tidak menjawab. Laporan disimpan di HP dan dikirim otomatis nanti.',
  'APP.NOT_OFFICER': 'Akun ini bukan akun petugas TPS. Gunakan NIP dan PIN petugas.',
  'AUTH.INVALID_CREDENTIALS': 'NIP atau PIN salah. Periksa lalu coba lagi.',
  'AUTH.LOCKED': 'Terlalu banyak PIN salah. Akun dikunci sementara; coba lagi nanti atau hubungi posko.',
  'AUTH.UNAUTHENTICATED': 'Sesi berakhir. Silakan masuk lagi; laporan yang menunggu tetap tersimpan.',
  'AUTH.INVALID_TOKEN': 'Sesi tidak berlaku lagi. Silakan masuk lagi; laporan yang menunggu tetap tersimpan.',
  'AUTH.TOKEN_EXPIRED': 'Sesi sudah habis. Silakan masuk lagi; laporan yang menunggu tetap tersimpan.',
  'AUTH.SESSION_EXPIRED': 'Sesi sudah terlalu lama. Silakan masuk lagi dengan PIN.',
  'AUTH.FORBIDDEN': 'Akun ini tidak boleh mengirim laporan ini.',
  'AUTH.WRONG_TPS': 'Laporan ini untuk TPS lain, bukan TPS Anda. Buang laporan ini.',
  'REQUEST.INVALID': 'Ada isian yang tidak sah. Periksa kotak yang ditandai.',
  'REQUEST.MALFORMED_JSON': 'Data laporan rusak. Buang laporan ini lalu isi lagi.',
  'REQUEST.INVALID_ENCODING': 'Data laporan rusak. Buang laporan ini lalu isi lagi.',
  'REQUEST.UNSUPPORTED_MEDIA_TYPE': 'Jenis berkas tidak diterima. Ambil foto lagi.',
  'REQUEST.TOO_LARGE': 'Berkas terlalu besar. Ambil foto lagi.',
  'REQUEST.TIMEOUT': 'Server terlalu lama menjawab. Laporan dikirim ulang otomatis.',
  'RATE.LIMITED': 'Terlalu banyak kiriman dalam satu menit. Laporan dikirim ulang otomatis sebentar lagi.',
  'IDEMPOTENCY.KEY_REUSED': 'Laporan ini bentrok dengan kiriman sebelumnya. Buang lalu isi lagi.',
  'CHECKIN.ALREADY_CHECKED_IN': 'Kehadiran di TPS ini sudah tercatat.',
  'TALLY.INCONSISTENT': 'Angka tidak cocok dengan aturan formulir. Periksa lagi kotak yang ditandai.',
  'TALLY.ALREADY_SUBMITTED': 'Hasil hitung TPS ini sudah terkirim. Gunakan Koreksi untuk mengubahnya.',
  'TALLY.NOT_SUBMITTED': 'Belum ada hasil hitung yang bisa dikoreksi. Kirim hasil hitung dulu.',
  'TALLY.STALE_REVISION': 'Hasil hitung sudah berubah sejak Anda membacanya. Lihat perubahannya lalu kirim lagi.',
  'TALLY.NO_CHANGE': 'Koreksi ini tidak mengubah angka apa pun.',
  'INCIDENT.NOT_FOUND': 'Insiden tidak ditemukan.',
  'INCIDENT.ALREADY_RESOLVED': 'Insiden ini sudah diselesaikan posko.',
  'TPS.NOT_FOUND': 'TPS akun ini tidak ada dalam daftar. Hubungi posko.',
  'STORE.UNAVAILABLE': 'Server sedang sibuk. Laporan dikirim ulang otomatis.',
  'STORE.CONFLICT': 'Ada kiriman lain bersamaan. Laporan dikirim ulang otomatis.',
  'STORE.WRONG_EXPECTED_REVISION': 'Ada kiriman lain bersamaan. Laporan dikirim ulang otomatis.',
  'PHOTO.EMPTY': 'Foto kosong. Ambil foto lagi.',
  'PHOTO.TOO_LARGE': 'Foto terlalu besar. Ambil foto lagi.',
  'PHOTO.UNSUPPORTED_TYPE': 'Berkas ini bukan foto JPEG, PNG atau WebP. Ambil foto lagi dengan kamera.',
  'PHOTO.UNREADABLE': 'Foto rusak atau tidak dapat dibaca. Ambil foto lagi.',
  'PHOTO.CORRUPT': 'Foto rusak atau tidak dapat dibaca. Ambil foto lagi.',
  'PHOTO.TOO_SMALL': 'Foto terlalu kecil untuk dibaca (sisi pendek minimal 600 piksel). Ambil foto lagi lebih dekat.',
  'PHOTO.ALREADY_ATTACHED': 'Foto halaman ini sudah terkirim.',
  'PHOTO.REUSED': 'Foto ini sama dengan foto TPS lain. Pastikan Anda memotret formulir TPS Anda sendiri.',
  'PHOTO.NEAR_DUPLICATE': 'Foto ini sangat mirip foto TPS lain. Pastikan Anda memotret formulir TPS Anda sendiri.',
  'PHOTO.MISSING': 'Foto tidak ditemukan.',
  'PHOTO.NOT_FOUND': 'Foto tidak ditemukan.',
  'HTTP.NOT_FOUND': 'Layanan ini belum tersedia di server. Hubungi posko.',
  'HTTP.METHOD_NOT_ALLOWED': 'Layanan ini belum tersedia di server. Hubungi posko.',
};

/** True when the code has its own message (not the generic fallback). */
export const hasMessage = (code: string): boolean => code in MESSAGES;

export function messageFor(code: string, status = 0): string {
  if (MESSAGES[code]) return MESSAGES[code];
  if (status >= 500) return 'Server sedang bermasalah. Laporan dikirim ulang otomatis.';
  return `Laporan ditolak server (${code}). Hubungi posko bila tidak tahu cara memperbaikinya.`;
}
