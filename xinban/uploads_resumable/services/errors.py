"""The refusals of the resumable upload protocol.

The protocol's own messages are bilingual, Chinese first, like the API's (the client
shows them only when something unusual happens); the type and size refusals reuse the
translated messages of xinban.core.uploads."""

from __future__ import annotations

from xinban.core.errors import ServiceError

MSG_NOT_FOUND = "找不到该上传。Upload not found."
MSG_UNKNOWN_PURPOSE = "不支持的上传用途。Unknown upload purpose."
MSG_BAD_TARGET = "上传对象无效。Invalid upload target."
MSG_BAD_SIZE = "文件大小无效。Invalid file size."
MSG_BAD_OFFSET = "Upload-Offset 无效。Invalid Upload-Offset."
MSG_OFFSET_MISMATCH = (
    "上传位置不一致，请从服务器记录的位置继续。Offset mismatch: resume from the offset given."  # noqa: E501
)
MSG_BUSY = "该上传正在接收另一个请求，请稍后重试。Another request is writing to this upload; retry shortly."  # noqa: E501
MSG_CHUNK_TOO_LARGE = "分块过大。Chunk too large."
MSG_BEYOND_SIZE = "数据超出声明的文件大小。Data beyond the declared size."
MSG_INTERRUPTED = (
    "传输中断，已保存收到的部分，请从断点继续。Transfer interrupted; resume from the offset given."  # noqa: E501
)
MSG_GONE = "该上传已结束（已取消、已拒收或已过期），请重新上传。This upload has ended (cancelled, refused or expired); start again."  # noqa: E501
MSG_ALREADY_COMPLETE = "该上传已完成，不能取消。This upload is complete and cannot be cancelled."
MSG_NOT_COMPLETE = "该上传尚未完成。This upload is not complete yet."
MSG_TOO_MANY = "未完成的上传过多，请先完成或取消其他上传。Too many unfinished uploads; finish or cancel one first."  # noqa: E501
MSG_NO_SPACE = (
    "服务器存储空间不足，请稍后再试或联系质协。The server is short of disk space; try again later."  # noqa: E501
)


class UploadError(ServiceError):
    """A refused upload request; ``offset`` is the session's offset when the client needs it
    to resume."""

    def __init__(self, message: str, *, code: str, offset: int | None = None) -> None:
        super().__init__(message, code=code)
        self.offset = offset


class UploadBadRequest(UploadError):
    status = 400


class UploadNotFound(UploadError):
    status = 404


class UploadConflict(UploadError):
    status = 409


class UploadGone(UploadError):
    status = 410


class UploadTooLarge(UploadError):
    status = 413


class UploadRefused(UploadError):
    status = 415


class UploadLimitReached(UploadError):
    status = 429


class UploadNoSpace(UploadError):
    status = 507
