import client from '@/lib/directus';
import { NextRequest, NextResponse } from 'next/server';
import { cookies } from 'next/headers';

export async function POST(request: NextRequest) {
    const formData = await request.formData();

    const email = formData.get("email") as string;
    const password = formData.get("password") as string;

    if (!email || !password) {
        return NextResponse.json({ error: "All fields are required" }, { status: 400 });
    }

    try {
        // The tutorial calls client.login(email, password), an older SDK's signature;
        // the SDK the app uses (26) takes the same two values as one object.
        const response = await client.login({ email, password });
        console.log(response);
        if (response.access_token) {
          (await cookies()).set('directus_session_token', response.access_token, { sameSite: 'strict', path: '/', secure: true })
        }
        const url = request.nextUrl.clone();
        url.pathname = "/dashboard"
        return NextResponse.redirect(url);
    } catch (error) {
      console.log(error);
        return NextResponse.json({ error: "Registration failed" }, { status: 500 });
    }
}
