; Lattice's part of the Windows installer: electron-builder includes this file (electron-builder.yml, nsis.include)
; and runs its macros at install and uninstall time.
;
; Windows finds the handler of a URI scheme in the registry (Software\Classes\<scheme>). electron-builder's
; `protocols` setting only reaches macOS (Info.plist) and Linux (the desktop entry), so the installer registers
; matrix: here, and the uninstaller removes the registration again if it is still Lattice's. SHCTX is HKCU for a
; per-user install and HKLM for a per-machine one, like electron-builder's own keys. Windows hands the link to the
; program as one quoted argument ("%1"); a running Lattice gets it through its single-instance lock.

!macro customInstall
  WriteRegStr SHCTX "Software\Classes\matrix" "" "URL:Matrix"
  WriteRegStr SHCTX "Software\Classes\matrix" "URL Protocol" ""
  WriteRegStr SHCTX "Software\Classes\matrix\DefaultIcon" "" "$INSTDIR\${APP_EXECUTABLE_FILENAME},0"
  WriteRegStr SHCTX "Software\Classes\matrix\shell\open\command" "" '"$INSTDIR\${APP_EXECUTABLE_FILENAME}" "%1"'
!macroend

!macro customUnInstall
  ; Another Matrix client may have taken the scheme since: only Lattice's own registration is removed.
  ReadRegStr $0 SHCTX "Software\Classes\matrix\shell\open\command" ""
  StrCmp $0 '"$INSTDIR\${APP_EXECUTABLE_FILENAME}" "%1"' 0 +2
    DeleteRegKey SHCTX "Software\Classes\matrix"
!macroend
