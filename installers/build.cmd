@echo off
rem Windows packaging: runs build.ps1 with the same arguments, e.g.  installers\build.cmd -Type msi
powershell -NoProfile -ExecutionPolicy Bypass -File "%~dp0build.ps1" %*
exit /b %ERRORLEVEL%
